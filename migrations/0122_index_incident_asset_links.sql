-- Deleting or replacing a layer's assets sets incidents.asset_id to null (on delete set null), and
-- PostgreSQL finds the referencing reports per deleted asset. Without an index on asset_id that is
-- a scan of every report per asset: deleting 20,000 assets with 100,000 reports on file ran for
-- minutes (bench X3 after C1 had seeded the reports). The asset detail panel's report list reads
-- reports by asset too. Partial: most reports link no asset.
create index incidents_asset_idx on incidents (asset_id) where asset_id is not null;
