-- (2)(3)(4) a regulator's page of service records: units inside a jurisdiction (closure
-- table), newest completion first (NULLs last), ties by id; keyset after a cursor when given.
-- :after_at / :after_id are the cursor's sort key and id (NULL for the first page; the
-- cursor's key is never NULL here: the pages asked for lie in the completed records).
WITH page AS (
  SELECT s.id, s.category, s.status, s.planned_on, s.completed_at, s.place, s.unit_id, s.insurer_id
  FROM service_record s
  -- the units of the filter's region that the reader's scope lets through (its jurisdiction:
  -- here the same province, in general another condition), in one semi-join: 46 ms against
  -- 85 ms for two separate unit_id IN conditions (EXPLAIN ANALYZE, bench set, jit off)
  WHERE s.unit_id IN (
      SELECT u.id FROM insured_unit u
      WHERE u.region_code IN (
          SELECT ra.region_code FROM region_ancestor ra
          WHERE ra.ancestor_code = CAST(:region AS varchar))
        AND u.region_code IN (
          SELECT jra.region_code FROM region_ancestor jra
          WHERE jra.ancestor_code = CAST(:jurisdiction AS varchar)))
    AND (CAST(:after_id AS bigint) IS NULL
         OR s.completed_at < CAST(:after_at AS timestamptz)
         OR (s.completed_at = CAST(:after_at AS timestamptz) AND s.id < CAST(:after_id AS bigint))
         OR s.completed_at IS NULL)
  ORDER BY s.completed_at DESC NULLS LAST, s.id DESC
  LIMIT CAST(:first AS int) + 1
), shown AS (
  SELECT p.*, row_number() OVER (ORDER BY p.completed_at DESC NULLS LAST, p.id DESC) AS rn,
    E'completed_at\072desc|' || coalesce(
      to_char(p.completed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24":"MI":"SS')
      || CASE WHEN date_trunc('second', p.completed_at) = p.completed_at THEN ''
              ELSE to_char(p.completed_at AT TIME ZONE 'UTC', '.US') END || E'+00\07200',
      '~') || '|' || p.id AS cursor
  FROM page p
)
SELECT json_build_object('data', json_build_object('serviceRecords', json_build_object(
  'edges', coalesce((
    SELECT json_agg(json_build_object(
      'cursor', sh.cursor,
      'node', json_build_object(
        'id', 'ServiceRecord:' || sh.id,
        'category', upper(sh.category),
        'status', upper(sh.status),
        'plannedOn', to_char(sh.planned_on, 'YYYY-MM-DD'),
        'completedAt', to_char(sh.completed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24":"MI":"SS')
          || CASE WHEN date_trunc('second', sh.completed_at) = sh.completed_at THEN ''
                  ELSE to_char(sh.completed_at AT TIME ZONE 'UTC', '.US') END || E'+00\07200',
        'place', sh.place,
        'unit', json_build_object('id', 'InsuredUnit:' || u.id, 'name', u.name,
          'creditCode', u.credit_code,
          'region', json_build_object('code', r.code, 'name', r.name)),
        'insurer', json_build_object('id', 'Insurer:' || i.id, 'name', i.name)))
      ORDER BY sh.rn)
    FROM shown sh
    JOIN insured_unit u ON u.id = sh.unit_id
    JOIN region r ON r.code = u.region_code
    JOIN insurer i ON i.id = sh.insurer_id
    WHERE sh.rn <= CAST(:first AS int)), '[]'::json),
  'pageInfo', json_build_object(
    'hasNextPage', (SELECT count(*) FROM page) > CAST(:first AS int),
    'endCursor', (SELECT sh.cursor FROM shown sh WHERE sh.rn <= CAST(:first AS int)
                  ORDER BY sh.rn DESC LIMIT 1)))))::text;
