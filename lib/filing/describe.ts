// Labels for a filing's stored values, for pages that show a file.
import { EDUCATION_LABELS, EMPLOYMENT_LABELS, HEALTH_LABELS, RELATION_LABELS, SEX_LABELS } from "./labels";
import type { TMemberData } from "./schemas";

const label = <T extends Record<string, string>>(labels: T, value: string | undefined) => (value ? (labels[value as keyof T] ?? value) : "—");

export function describeMember(m: TMemberData) {
  return {
    name: m.name ?? "—",
    relation: label(RELATION_LABELS, m.relation),
    residentId: m.residentId ?? "—",
    birthDate: m.birthDate ?? "—",
    sex: label(SEX_LABELS, m.sex),
    health: m.health === "DISABLED" && m.disabilityGrade ? `残疾（${m.disabilityGrade} 级）` : label(HEALTH_LABELS, m.health),
    education: label(EDUCATION_LABELS, m.education),
    employment: label(EMPLOYMENT_LABELS, m.employment),
    livesInHousehold: m.livesInHousehold,
  };
}
