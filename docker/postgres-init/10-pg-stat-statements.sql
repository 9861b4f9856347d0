-- Slow queries visible: per-statement totals since the last reset, e.g.
--   SELECT calls, round(mean_exec_time::numeric, 1) AS ms, query
--   FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 20;
-- The library is preloaded by postgresql.conf (shared_preload_libraries). Run by
-- the postgres image once, when it initialises an empty data folder; on an existing
-- one, run this statement by hand.
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
