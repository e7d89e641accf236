// Valid filings for tests: unique, checksum-correct ID numbers and complete form values.
import { randomUUID } from "node:crypto";
import type { TActor } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";
import { saveDraft, submitFiling } from "@/lib/filing/save-filing";
import type { TFilingFormValues } from "@/lib/filing/schemas";
import type { EvidenceKind } from "@/lib/generated/prisma/enums";
import { ZSaveDraftInput, ZSubmitFilingInput } from "@/lib/filing/schemas";
import { residentId } from "./resident-ids";

export { residentId };

export function filingValues(organisationId: string, overrides: Partial<TFilingFormValues> = {}): TFilingFormValues {
  const holderBirth = "1978-03-09";
  return {
    organisationId,
    fileLevel: "CITY",
    workerCategory: "URBAN",
    housing: "RENT",
    holderUnionMember: true,
    members: [
      {
        name: "张建华",
        relation: "SELF",
        residentId: residentId({ birthDate: holderBirth }),
        birthDate: holderBirth,
        sex: "MALE",
        health: "CHRONIC_ILLNESS",
        disabilityGrade: "",
        education: "NOT_IN_SCHOOL",
        employment: "FLEXIBLE",
        livesInHousehold: true,
      },
      {
        name: "李秀英",
        relation: "SPOUSE",
        residentId: residentId({ birthDate: "1980-11-02", sex: "FEMALE" }),
        birthDate: "1980-11-02",
        sex: "FEMALE",
        health: "SERIOUS_ILLNESS",
        disabilityGrade: "",
        education: "NOT_IN_SCHOOL",
        employment: "UNABLE",
        livesInHousehold: true,
      },
      {
        name: "张小雨",
        relation: "CHILD",
        residentId: residentId({ birthDate: "2008-06-20", sex: "FEMALE" }),
        birthDate: "2008-06-20",
        sex: "FEMALE",
        health: "HEALTHY",
        disabilityGrade: "",
        education: "HIGH_SCHOOL",
        employment: "NOT_WORKING_AGE",
        livesInHousehold: true,
      },
    ],
    incomes: [{ source: "WAGES", monthlyFen: "2400" }],
    expenditures: [{ kind: "MEDICAL", annualFen: "18000", note: "配偶透析自付" }],
    suddenEvent: false,
    suddenEventNote: "",
    suddenEventLossFen: "",
    mainCause: "ILLNESS",
    secondaryCauses: ["EDUCATION"],
    needs: "医疗救助，子女助学",
    proposedTier: "DEEP",
    ...overrides,
  } as TFilingFormValues;
}

/**
 * The required documents, as rows (the bytes are not needed by the workflow): the application and
 * authorisation, and what the default filing's causes require (因病: diagnosis, 因学: admission).
 */
export async function attachRequiredEvidence(
  fileId: string,
  uploadedById: string,
  kinds: readonly EvidenceKind[] = ["APPLICATION", "AUTHORISATION", "DIAGNOSIS", "ADMISSION"],
) {
  for (const kind of kinds) {
    await prisma.evidenceFile.create({
      data: {
        fileId,
        kind,
        originalName: `${kind}.pdf`,
        contentType: "application/pdf",
        sizeBytes: 100,
        sha256: "0".repeat(64),
        storageKey: `test/${randomUUID()}`,
        uploadedById,
      },
    });
  }
}

/** Saves a draft, attaches the documents and submits it, as a caseworker would. */
export async function submitNewFiling(actor: TActor, values: TFilingFormValues) {
  const draft = await saveDraft(actor, ZSaveDraftInput.parse({ data: values }));
  await attachRequiredEvidence(draft.fileId, actor.userId);
  return submitFiling(actor, ZSubmitFilingInput.parse({ fileId: draft.fileId, expectedVersion: draft.version, data: values }));
}

/**
 * Time passes: the first review is moved `days` back, as if recorded then, so a test can start
 * publicity in the past (publicity may not start before the review) and approve once it ended.
 */
export async function backdateReview(fileId: string, days: number) {
  await prisma.$executeRaw`UPDATE household_file SET reviewed_at = reviewed_at - make_interval(days => ${days}::int) WHERE id = ${fileId}::uuid`;
}
