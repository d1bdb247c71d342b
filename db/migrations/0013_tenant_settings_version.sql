ALTER TABLE "tenants" ADD COLUMN "settings_version" bigint DEFAULT 1 NOT NULL;--> statement-breakpoint
-- Every instance caches a clinic's profile and host for a few seconds; comparing this number
-- (one indexed read) tells it another instance changed something. Triggers, so no code path
-- (a CRM action, the console, a script, hand-written SQL) can forget to raise it.
CREATE FUNCTION bump_tenant_settings_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE tenants SET settings_version = settings_version + 1 WHERE id = OLD.tenant_id;
  END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.tenant_id IS DISTINCT FROM OLD.tenant_id) THEN
    UPDATE tenants SET settings_version = settings_version + 1 WHERE id = NEW.tenant_id;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER tenant_branding_bump_settings_version AFTER INSERT OR UPDATE OR DELETE ON tenant_branding
  FOR EACH ROW EXECUTE FUNCTION bump_tenant_settings_version();
--> statement-breakpoint
CREATE TRIGGER tenant_settings_bump_settings_version AFTER INSERT OR UPDATE OR DELETE ON tenant_settings
  FOR EACH ROW EXECUTE FUNCTION bump_tenant_settings_version();
--> statement-breakpoint
CREATE TRIGGER locations_bump_settings_version AFTER INSERT OR UPDATE OR DELETE ON locations
  FOR EACH ROW EXECUTE FUNCTION bump_tenant_settings_version();
--> statement-breakpoint
CREATE TRIGGER tenant_domains_bump_settings_version AFTER INSERT OR UPDATE OR DELETE ON tenant_domains
  FOR EACH ROW EXECUTE FUNCTION bump_tenant_settings_version();
--> statement-breakpoint
-- The clinic row itself (name, slug, status): raised unless the statement set it already.
CREATE FUNCTION bump_own_settings_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.settings_version IS NOT DISTINCT FROM OLD.settings_version THEN
    NEW.settings_version := OLD.settings_version + 1;
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER tenants_bump_settings_version BEFORE UPDATE ON tenants
  FOR EACH ROW EXECUTE FUNCTION bump_own_settings_version();
