-- Quarantined emissions rows per day, zone and reason code. A row with several reasons
-- counts once under each of them.
WITH rejected AS (
  SELECT 'bronze' AS zone, reason_codes, _ingested_at
  FROM gluelake_dev_bronze.emissions_quarantine
  UNION ALL
  SELECT 'silver' AS zone, reason_codes, _ingested_at
  FROM gluelake_dev_silver.emissions_quarantine
)
SELECT
  CAST(_ingested_at AS DATE) AS day,
  zone,
  reason,
  COUNT(*) AS quarantined_rows
FROM rejected
CROSS JOIN UNNEST(reason_codes) AS r (reason)
GROUP BY CAST(_ingested_at AS DATE), zone, reason
ORDER BY day, zone, quarantined_rows DESC, reason
