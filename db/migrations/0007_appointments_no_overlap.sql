-- Double booking is impossible by construction: two appointments of one provider that are not
-- cancelled cannot overlap in time. Half-open ranges, so back-to-back visits are fine.
ALTER TABLE appointments
  ADD CONSTRAINT appointments_no_overlap
  EXCLUDE USING gist (
    tenant_id WITH =,
    provider_id WITH =,
    tstzrange(starts_at, ends_at, '[)') WITH &&
  ) WHERE (status <> 'cancelled');
