-- The record of what the retention job erased is evidence of compliance: the application role
-- (which runs the job) may add to it and read it, never rewrite or remove it.
revoke update, delete, truncate on retention_runs from municipal_app;
grant select, insert on retention_runs to municipal_app;
