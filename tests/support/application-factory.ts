// An online application as the public form sends it (issue 24 §2): a household of two, a real
// PNG (evidence images are decoded) and a small PDF.
import sharp from "sharp";
import type { TApplicationFormValues } from "@/lib/public/application-schemas";
import { residentId } from "./resident-ids";

export function applicationValues(organisationId: string, overrides: Partial<TApplicationFormValues> = {}): TApplicationFormValues {
  return {
    organisationId,
    workerCategory: "URBAN",
    housing: "RENT",
    holderUnionMember: true,
    members: [
      {
        name: "马秀兰",
        relation: "SELF",
        residentId: residentId({ birthDate: "1975-04-12", sex: "FEMALE" }),
        health: "CHRONIC_ILLNESS",
        education: "NOT_IN_SCHOOL",
        employment: "FLEXIBLE",
        livesInHousehold: true,
      },
      {
        name: "马小军",
        relation: "CHILD",
        residentId: residentId({ birthDate: "2007-09-01", sex: "MALE" }),
        health: "HEALTHY",
        education: "HIGH_SCHOOL",
        employment: "NOT_WORKING_AGE",
        livesInHousehold: true,
      },
    ],
    incomes: [{ source: "WAGES", monthlyFen: "1850.50" }],
    expenditures: [{ kind: "MEDICAL", annualFen: "12000", note: "慢性病门诊自付" }],
    suddenEvent: false,
    mainCause: "ILLNESS",
    secondaryCauses: [],
    needs: "医疗救助",
    contactPhone: "13809310000",
    consent: true,
    ...overrides,
  } as TApplicationFormValues;
}

export async function pngBytes(seed = 1): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(
    await sharp({ create: { width: 20 + seed, height: 12, channels: 3, background: { r: seed % 256, g: 90, b: 40 } } })
      .png()
      .toBuffer(),
  );
}

export function pdfBytes(): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n", "latin1"));
}
