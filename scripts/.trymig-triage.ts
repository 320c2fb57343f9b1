import postgres from 'postgres';
import { adminUrl, withDatabase } from './local-cluster.ts';
import { createSql } from '../api/src/db.ts';
import { migrate } from '../api/src/migrate.ts';
const admin = adminUrl();
const root = postgres(admin, { max: 1, onnotice: () => {} });
await root.unsafe('drop database if exists triage_scratch');
await root.unsafe('create database triage_scratch');
const sql = createSql(withDatabase(admin, 'triage_scratch'), { max: 1 });
try { console.log(await migrate(sql)); } catch (e) { console.error('ERR', (e as Error).message); }
await sql.end();
await root.unsafe('drop database if exists triage_scratch');
await root.end();
