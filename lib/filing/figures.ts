// The household's figures as the tier rules use them, from a filing's data (browser and server).
import type { TFilingData } from "./schemas";

export type THouseholdFigures = {
  annualIncomeFen: number;
  annualRigidExpenditureFen: number;
  householdSize: number;
  accidentLossFen: number;
};

export function householdFigures(data: Pick<TFilingData, "members" | "incomes" | "expenditures" | "suddenEvent" | "suddenEventLossFen">): THouseholdFigures {
  const monthly = data.incomes.reduce((sum, i) => sum + (i.monthlyFen ?? 0), 0);
  return {
    annualIncomeFen: monthly * 12,
    annualRigidExpenditureFen: data.expenditures.reduce((sum, e) => sum + (e.annualFen ?? 0), 0),
    // Per-capita income divides by the people who live in the household, not everyone listed.
    householdSize: Math.max(1, data.members.filter((m) => m.livesInHousehold).length),
    accidentLossFen: data.suddenEvent ? (data.suddenEventLossFen ?? 0) : 0,
  };
}
