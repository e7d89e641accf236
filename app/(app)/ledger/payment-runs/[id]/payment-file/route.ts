import { paymentFileRoute } from "@/lib/payments/payment-file-route";
import { produceRunPaymentFile } from "@/lib/payments/produce-run-payment-file";

/** 下载代发汇总文件 of a payment run. */
export const GET = paymentFileRoute((actor, runId, layoutId) => produceRunPaymentFile(actor, { runId, layoutId }), "代发汇总");
