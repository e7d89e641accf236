import { readReceiptScan } from "@/lib/payments/read-receipt-scan";
import { storedFileRoute } from "@/lib/uploads/stored-file-route";

// Downloads one signed 签收表 scan. Scope, role and the audit row are readReceiptScan's.
export const GET = storedFileRoute(readReceiptScan, "receipt scan");
