-- PostGIS for geometry, btree_gist so a GiST index can lead with the layer id,
-- pgcrypto for digests and random tokens.
create extension if not exists postgis;
create extension if not exists btree_gist;
create extension if not exists pgcrypto;
