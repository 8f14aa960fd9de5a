-- (1) point lookup: one service record with its unit and insurer, inside the reader's
-- jurisdiction (a record outside it reads as null, as through the gateway).
-- Instants as the gateway prints them: UTC, ISO 8601, microseconds only when non-zero.
-- No ':' directly before a letter or digit inside literals (pgbench would read a variable):
-- to_char quotes it ('HH24":"MI'), plain strings escape it (E'+00\07200' is '+00:00').
SELECT json_build_object('data', json_build_object('serviceRecord', (
  SELECT json_build_object(
    'id', 'ServiceRecord:' || s.id,
    'category', upper(s.category),
    'status', upper(s.status),
    'plannedOn', to_char(s.planned_on, 'YYYY-MM-DD'),
    'startedAt', to_char(s.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24":"MI":"SS')
      || CASE WHEN date_trunc('second', s.started_at) = s.started_at THEN ''
              ELSE to_char(s.started_at AT TIME ZONE 'UTC', '.US') END || E'+00\07200',
    'completedAt', to_char(s.completed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24":"MI":"SS')
      || CASE WHEN date_trunc('second', s.completed_at) = s.completed_at THEN ''
              ELSE to_char(s.completed_at AT TIME ZONE 'UTC', '.US') END || E'+00\07200',
    'place', s.place,
    'responsibleParty', upper(s.responsible_party),
    'content', s.content,
    'createdAt', to_char(s.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24":"MI":"SS')
      || CASE WHEN date_trunc('second', s.created_at) = s.created_at THEN ''
              ELSE to_char(s.created_at AT TIME ZONE 'UTC', '.US') END || E'+00\07200',
    'unit', json_build_object('id', 'InsuredUnit:' || u.id, 'creditCode', u.credit_code, 'name', u.name),
    'insurer', json_build_object('id', 'Insurer:' || i.id, 'code', i.code, 'name', i.name))
  FROM service_record s
  JOIN insured_unit u ON u.id = s.unit_id
  JOIN insurer i ON i.id = s.insurer_id
  WHERE s.id = CAST(:id AS bigint)
    -- the reader's scope, as the gateway applies it: records of units in its jurisdiction
    AND s.unit_id IN (
      SELECT ju.id FROM insured_unit ju
      JOIN region_ancestor jra ON jra.region_code = ju.region_code
      WHERE jra.ancestor_code = CAST(:jurisdiction AS varchar))
)))::text;
