DROP INDEX "auth_tokens_hash_key";--> statement-breakpoint
DROP INDEX "documents_storage_key_key";--> statement-breakpoint
DROP INDEX "message_attachments_storage_key_key";--> statement-breakpoint
CREATE UNIQUE INDEX "auth_tokens_hash_key" ON "auth_tokens" USING btree ("tenant_id","token_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "documents_storage_key_key" ON "documents" USING btree ("tenant_id","storage_key");--> statement-breakpoint
CREATE UNIQUE INDEX "message_attachments_storage_key_key" ON "message_attachments" USING btree ("tenant_id","storage_key");