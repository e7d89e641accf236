import { producePaymentFile } from "@/lib/payments/produce-payment-file";
import { paymentFileRoute } from "@/lib/payments/payment-file-route";

/** 下载代发文件 of a batch. */
export const GET = paymentFileRoute((actor, batchId, layoutId) => producePaymentFile(actor, { batchId, layoutId }), "批次");
