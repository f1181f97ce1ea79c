CREATE TABLE "advertisers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"parent_id" uuid,
	"scope_id" uuid,
	"name" text NOT NULL,
	"status" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"data" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "campaigns" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"parent_id" uuid,
	"scope_id" uuid,
	"name" text NOT NULL,
	"status" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"data" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "creatives" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"parent_id" uuid,
	"scope_id" uuid,
	"name" text NOT NULL,
	"status" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"data" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "demand_partners" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"parent_id" uuid,
	"scope_id" uuid,
	"name" text NOT NULL,
	"status" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"data" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "line_items" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"parent_id" uuid,
	"scope_id" uuid,
	"name" text NOT NULL,
	"status" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"data" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "placements" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"parent_id" uuid,
	"scope_id" uuid,
	"name" text NOT NULL,
	"status" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"data" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "publishers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"parent_id" uuid,
	"scope_id" uuid,
	"name" text NOT NULL,
	"status" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"data" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "segment_members" (
	"organization_id" uuid NOT NULL,
	"segment_id" uuid NOT NULL,
	"user_key" text NOT NULL,
	CONSTRAINT "segment_members_segment_id_user_key_pk" PRIMARY KEY("segment_id","user_key")
);
--> statement-breakpoint
CREATE TABLE "segments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"parent_id" uuid,
	"scope_id" uuid,
	"name" text NOT NULL,
	"status" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"data" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sites" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"parent_id" uuid,
	"scope_id" uuid,
	"name" text NOT NULL,
	"status" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"data" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "advertisers" ADD CONSTRAINT "advertisers_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_parent_id_advertisers_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."advertisers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_scope_id_advertisers_id_fk" FOREIGN KEY ("scope_id") REFERENCES "public"."advertisers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "creatives" ADD CONSTRAINT "creatives_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "creatives" ADD CONSTRAINT "creatives_parent_id_advertisers_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."advertisers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "creatives" ADD CONSTRAINT "creatives_scope_id_advertisers_id_fk" FOREIGN KEY ("scope_id") REFERENCES "public"."advertisers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "demand_partners" ADD CONSTRAINT "demand_partners_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "line_items" ADD CONSTRAINT "line_items_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "line_items" ADD CONSTRAINT "line_items_parent_id_campaigns_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."campaigns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "line_items" ADD CONSTRAINT "line_items_scope_id_advertisers_id_fk" FOREIGN KEY ("scope_id") REFERENCES "public"."advertisers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "placements" ADD CONSTRAINT "placements_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "placements" ADD CONSTRAINT "placements_parent_id_sites_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "placements" ADD CONSTRAINT "placements_scope_id_publishers_id_fk" FOREIGN KEY ("scope_id") REFERENCES "public"."publishers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "publishers" ADD CONSTRAINT "publishers_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "segment_members" ADD CONSTRAINT "segment_members_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "segment_members" ADD CONSTRAINT "segment_members_segment_id_segments_id_fk" FOREIGN KEY ("segment_id") REFERENCES "public"."segments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "segments" ADD CONSTRAINT "segments_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sites" ADD CONSTRAINT "sites_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sites" ADD CONSTRAINT "sites_parent_id_publishers_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."publishers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sites" ADD CONSTRAINT "sites_scope_id_publishers_id_fk" FOREIGN KEY ("scope_id") REFERENCES "public"."publishers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "advertisers_organization_id_id_idx" ON "advertisers" USING btree ("organization_id","id");--> statement-breakpoint
CREATE INDEX "advertisers_organization_id_parent_id_idx" ON "advertisers" USING btree ("organization_id","parent_id");--> statement-breakpoint
CREATE INDEX "advertisers_organization_id_scope_id_idx" ON "advertisers" USING btree ("organization_id","scope_id");--> statement-breakpoint
CREATE INDEX "advertisers_organization_id_status_idx" ON "advertisers" USING btree ("organization_id","status");--> statement-breakpoint
CREATE INDEX "campaigns_organization_id_id_idx" ON "campaigns" USING btree ("organization_id","id");--> statement-breakpoint
CREATE INDEX "campaigns_organization_id_parent_id_idx" ON "campaigns" USING btree ("organization_id","parent_id");--> statement-breakpoint
CREATE INDEX "campaigns_organization_id_scope_id_idx" ON "campaigns" USING btree ("organization_id","scope_id");--> statement-breakpoint
CREATE INDEX "campaigns_organization_id_status_idx" ON "campaigns" USING btree ("organization_id","status");--> statement-breakpoint
CREATE INDEX "creatives_organization_id_id_idx" ON "creatives" USING btree ("organization_id","id");--> statement-breakpoint
CREATE INDEX "creatives_organization_id_parent_id_idx" ON "creatives" USING btree ("organization_id","parent_id");--> statement-breakpoint
CREATE INDEX "creatives_organization_id_scope_id_idx" ON "creatives" USING btree ("organization_id","scope_id");--> statement-breakpoint
CREATE INDEX "creatives_organization_id_status_idx" ON "creatives" USING btree ("organization_id","status");--> statement-breakpoint
CREATE INDEX "demand_partners_organization_id_id_idx" ON "demand_partners" USING btree ("organization_id","id");--> statement-breakpoint
CREATE INDEX "demand_partners_organization_id_parent_id_idx" ON "demand_partners" USING btree ("organization_id","parent_id");--> statement-breakpoint
CREATE INDEX "demand_partners_organization_id_scope_id_idx" ON "demand_partners" USING btree ("organization_id","scope_id");--> statement-breakpoint
CREATE INDEX "demand_partners_organization_id_status_idx" ON "demand_partners" USING btree ("organization_id","status");--> statement-breakpoint
CREATE INDEX "line_items_organization_id_id_idx" ON "line_items" USING btree ("organization_id","id");--> statement-breakpoint
CREATE INDEX "line_items_organization_id_parent_id_idx" ON "line_items" USING btree ("organization_id","parent_id");--> statement-breakpoint
CREATE INDEX "line_items_organization_id_scope_id_idx" ON "line_items" USING btree ("organization_id","scope_id");--> statement-breakpoint
CREATE INDEX "line_items_organization_id_status_idx" ON "line_items" USING btree ("organization_id","status");--> statement-breakpoint
CREATE INDEX "placements_organization_id_id_idx" ON "placements" USING btree ("organization_id","id");--> statement-breakpoint
CREATE INDEX "placements_organization_id_parent_id_idx" ON "placements" USING btree ("organization_id","parent_id");--> statement-breakpoint
CREATE INDEX "placements_organization_id_scope_id_idx" ON "placements" USING btree ("organization_id","scope_id");--> statement-breakpoint
CREATE INDEX "placements_organization_id_status_idx" ON "placements" USING btree ("organization_id","status");--> statement-breakpoint
CREATE INDEX "publishers_organization_id_id_idx" ON "publishers" USING btree ("organization_id","id");--> statement-breakpoint
CREATE INDEX "publishers_organization_id_parent_id_idx" ON "publishers" USING btree ("organization_id","parent_id");--> statement-breakpoint
CREATE INDEX "publishers_organization_id_scope_id_idx" ON "publishers" USING btree ("organization_id","scope_id");--> statement-breakpoint
CREATE INDEX "publishers_organization_id_status_idx" ON "publishers" USING btree ("organization_id","status");--> statement-breakpoint
CREATE INDEX "segment_members_organization_id_user_key_idx" ON "segment_members" USING btree ("organization_id","user_key");--> statement-breakpoint
CREATE INDEX "segments_organization_id_id_idx" ON "segments" USING btree ("organization_id","id");--> statement-breakpoint
CREATE INDEX "segments_organization_id_parent_id_idx" ON "segments" USING btree ("organization_id","parent_id");--> statement-breakpoint
CREATE INDEX "segments_organization_id_scope_id_idx" ON "segments" USING btree ("organization_id","scope_id");--> statement-breakpoint
CREATE INDEX "segments_organization_id_status_idx" ON "segments" USING btree ("organization_id","status");--> statement-breakpoint
CREATE INDEX "sites_organization_id_id_idx" ON "sites" USING btree ("organization_id","id");--> statement-breakpoint
CREATE INDEX "sites_organization_id_parent_id_idx" ON "sites" USING btree ("organization_id","parent_id");--> statement-breakpoint
CREATE INDEX "sites_organization_id_scope_id_idx" ON "sites" USING btree ("organization_id","scope_id");--> statement-breakpoint
CREATE INDEX "sites_organization_id_status_idx" ON "sites" USING btree ("organization_id","status");