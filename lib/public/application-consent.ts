// The PIPL notice (个人信息处理告知) an applicant reads and consents to before applying online.
// Stored with the application by version: change the text, change the version, so every
// application names the words its applicant agreed to. No "server-only": the form shows it.

export const APPLICATION_CONSENT_VERSION = "2026-12-v1";

export const APPLICATION_CONSENT_TITLE = "个人信息处理告知";

export const APPLICATION_CONSENT_PARAGRAPHS = [
  "收集的信息：申请人及家庭成员的姓名、身份证号码、与申请人的关系、健康、在学和就业情况，家庭收入和支出，致困原因，联系电话，以及您上传的身份证、申请书、医疗票据等照片或 PDF 文件。",
  "用途：仅用于所选工会审核您家庭的困难职工建档申请，核对家庭经济状况，并在建档后开展帮扶。不用于其他目的，不向无关单位或个人提供。",
  "处理者与保存：由您选择的基层工会及其上级工会处理，保存在工会困难职工帮扶系统中；建档的随档案保存，不予受理的申请作为办理记录保存，保存期限按工会档案管理的规定执行。",
  "您的权利：您可以凭申请编号和查询码查询办理进度，可以向所选工会查阅、更正您的信息或撤回申请。不同意本告知的，可以不在网上申请，改到工会当面办理。",
  "提交申请时，系统会记录提交时间和来源网络地址，用于防范冒用和核查。",
] as const;

export const APPLICATION_CONSENT_LABEL = "我已阅读上述告知，同意工会为审核建档申请处理上述个人信息（含家庭成员的信息，我已征得其同意）";
