import { publicUploadRoute } from "@/lib/actions/public-route";
import { applicationFormInput } from "@/lib/public/application-form-data";
import { ZSubmitApplicationInput } from "@/lib/public/application-schemas";
import { submitApplication } from "@/lib/public/submit-application";
import { APPLICATION_UPLOAD_LIMIT } from "@/lib/uploads/limits";

// 网上申请的提交 (issue 24 §2): the form's fields (JSON) and its files in one multipart body within
// the application's budget. Under /api so the server reads it within that budget itself (not the
// server-action screen's 4 MB); under /api/public so proxy.ts drops any staff cookie, as on the
// public pages. No session is read (publicUploadRoute).
export const POST = publicUploadRoute(ZSubmitApplicationInput, () => APPLICATION_UPLOAD_LIMIT, applicationFormInput, submitApplication);
