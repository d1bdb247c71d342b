-- A message is never edited in place (a correction is a new message). The only change allowed is
-- the author's soft delete: deleted_at set once, from null. Rows still go when their clinic or
-- conversation is removed (cascades are deletes, not updates).
CREATE OR REPLACE FUNCTION conversation_messages_refuse_edit() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.tenant_id IS DISTINCT FROM OLD.tenant_id
     OR NEW.id IS DISTINCT FROM OLD.id
     OR NEW.conversation_id IS DISTINCT FROM OLD.conversation_id
     OR NEW.sender_kind IS DISTINCT FROM OLD.sender_kind
     OR NEW.sender_staff_id IS DISTINCT FROM OLD.sender_staff_id
     OR NEW.sender_account_id IS DISTINCT FROM OLD.sender_account_id
     OR NEW.body IS DISTINCT FROM OLD.body
     OR NEW.created_at IS DISTINCT FROM OLD.created_at
     OR (OLD.deleted_at IS NOT NULL AND NEW.deleted_at IS DISTINCT FROM OLD.deleted_at) THEN
    RAISE EXCEPTION 'conversation_messages are never edited in place'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER conversation_messages_no_edit
  BEFORE UPDATE ON conversation_messages
  FOR EACH ROW EXECUTE FUNCTION conversation_messages_refuse_edit();
