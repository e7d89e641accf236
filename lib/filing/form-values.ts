// Stored filing data (money in fen) back into what the form edits (yuan as typed).
import { fenToYuanString } from "@/lib/money/money";
import type { TFilingData, TFilingFormValues } from "./schemas";

const yuan = (fen: number | undefined) => (fen === undefined ? "" : fenToYuanString(fen));

export function toFormValues(data: TFilingData): TFilingFormValues {
  return {
    ...data,
    fileLevel: data.fileLevel ?? "",
    workerCategory: data.workerCategory ?? "",
    housing: data.housing ?? "",
    mainCause: data.mainCause ?? "",
    proposedTier: data.proposedTier ?? "",
    suddenEventNote: data.suddenEventNote ?? "",
    needs: data.needs ?? "",
    suddenEventLossFen: yuan(data.suddenEventLossFen),
    members: data.members.map((m) => ({
      name: m.name ?? "",
      relation: m.relation ?? "",
      residentId: m.residentId ?? "",
      birthDate: m.birthDate ?? "",
      sex: m.sex ?? "",
      health: m.health ?? "",
      disabilityGrade: m.disabilityGrade === undefined ? "" : String(m.disabilityGrade),
      education: m.education ?? "",
      employment: m.employment ?? "",
      livesInHousehold: m.livesInHousehold,
    })),
    incomes: data.incomes.map((i) => ({ source: i.source ?? "", monthlyFen: yuan(i.monthlyFen) })),
    expenditures: data.expenditures.map((x) => ({ kind: x.kind ?? "", annualFen: yuan(x.annualFen), note: x.note ?? "" })),
  } as TFilingFormValues;
}

export function newFormValues(organisationId: string): TFilingFormValues {
  return toFormValues({
    organisationId,
    holderUnionMember: true,
    members: [{ relation: "SELF", livesInHousehold: true }],
    incomes: [{ source: undefined, monthlyFen: undefined }],
    suddenEventLossFen: undefined,
    expenditures: [],
    suddenEvent: false,
    secondaryCauses: [],
  } as unknown as TFilingData);
}
