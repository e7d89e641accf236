import "server-only";
/** Who reads the ledger: a household's entries, a request, the organisation's ledger. */
export const LEDGER_READERS = ["CASEWORKER", "OFFICIAL", "AUDITOR"] as const;
