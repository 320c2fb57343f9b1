/** The answers of GET /health and GET /ready, for monitors and orchestrators. */
import { z } from 'zod';

export const HealthSchema = z.object({ status: z.literal('ok') });
export const ReadySchema = z.object({ status: z.literal('ready'), schemaVersion: z.number().nullable().meta({ description: 'the last migration applied' }) });
export const UnavailableSchema = z.object({ status: z.literal('unavailable') });
