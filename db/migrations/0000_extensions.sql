-- btree_gist backs the appointment EXCLUDE constraint; pg_trgm backs patient name search.
CREATE EXTENSION IF NOT EXISTS btree_gist;
--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS pg_trgm;
