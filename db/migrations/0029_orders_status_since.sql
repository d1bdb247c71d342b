-- When each order entered its current status: the last move into it in its history, else its last change.
ALTER TABLE "orders" ADD COLUMN "status_since" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
UPDATE "orders" o SET "status_since" = coalesce((
  SELECT max(h."occurred_at") FROM "order_status_history" h
  WHERE h."tenant_id" = o."tenant_id" AND h."order_id" = o."id" AND h."to_status" = o."status"
), o."updated_at");
