-- 渐退期: a household that exited as resolved (脱困) is still followed for an observation period and
-- can be reopened quickly. A new enum value cannot be used in the transaction that adds it, so it
-- has a migration of its own.
ALTER TYPE file_status ADD VALUE 'OBSERVATION' AFTER 'OPEN';
ALTER TYPE filing_event_kind ADD VALUE 'TIER_CHANGED';
ALTER TYPE filing_event_kind ADD VALUE 'EXITED';
ALTER TYPE filing_event_kind ADD VALUE 'TRANSFERRED';
ALTER TYPE filing_event_kind ADD VALUE 'OBSERVATION_ENDED';
