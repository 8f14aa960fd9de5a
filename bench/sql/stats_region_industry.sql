-- (5) stats(groupBy: [REGION, INDUSTRY], regionLevel: PROVINCE, filter: {from, to}):
-- every figure of every province x industry group, [from, to) as days in China.
-- The working-day calendar comes in as three arrays (day, running count of working days,
-- whether a working day) covering every year the holiday calendar knows; the rules' day
-- counts are those of the draft ruleset (follow-up 5, archive 10, complaint 5 / 10).
-- The reader's scope: a regulator aggregates the units inside its jurisdiction (:jurisdiction,
-- through the closure table), as the gateway applies the aggregate scope of the token; each
-- family reads only those units' rows (a unit's service records, follow-ups, decisions,
-- hazards, complaints and ledger entries are visible exactly when the unit is).
WITH cal AS NOT MATERIALIZED (
  SELECT * FROM unnest(CAST(:cal_day AS date[]), CAST(:cal_wd AS int[]),
                       CAST(:cal_workday AS bool[])) AS c(day, wd, workday)
), due AS MATERIALIZED (  -- once per calendar day: the 5th and the 10th working day after it, and
  -- the instant each ends. Days are numbered since 1970-01-01 in China, and instants made by
  -- arithmetic: China keeps UTC+8 all year, so no time-zone rules run per row.
  SELECT c.day - DATE '1970-01-01' AS n, d5.day AS due5, d10.day AS due10,
         to_timestamp(CAST(d5.day - DATE '1970-01-01' + 1 AS bigint) * 86400 - 28800) AS ends5,
         to_timestamp(CAST(d10.day - DATE '1970-01-01' + 1 AS bigint) * 86400 - 28800) AS ends10
  FROM cal c
  LEFT JOIN cal d5 ON d5.workday AND d5.wd = c.wd + 5
  LEFT JOIN cal d10 ON d10.workday AND d10.wd = c.wd + 10
), ug AS NOT MATERIALIZED (  -- each unit inside the jurisdiction, with its province and industry
  SELECT u.id, ra.ancestor_code AS region_code, u.industry_code
  FROM insured_unit u
  LEFT JOIN (region_ancestor ra JOIN region p ON p.code = ra.ancestor_code AND p.level = 'province')
    ON ra.region_code = u.region_code
  WHERE u.region_code IN (SELECT j.region_code FROM region_ancestor j
                          WHERE j.ancestor_code = CAST(:jurisdiction AS varchar))
), cov AS (  -- units with a policy overlapping the range or a service completed in it
  SELECT ug.region_code, ug.industry_code, count(*) AS units
  FROM (SELECT p.unit_id FROM insurance_policy p
        WHERE p.period_start < CAST(:to_day AS date) AND p.period_end > CAST(:from_day AS date)
          AND p.unit_id IN (SELECT id FROM ug)
        UNION
        SELECT s.unit_id FROM service_record s
        WHERE s.completed_at >= (CAST(CAST(:from_day AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai') AND s.completed_at < (CAST(CAST(:to_day AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai')
          AND s.unit_id IN (SELECT id FROM ug)) c
  JOIN ug ON ug.id = c.unit_id
  GROUP BY 1, 2
), rec AS (  -- completed services: first follow-up, latest decisions, due days
  SELECT s.unit_id, s.category, s.organised_at, min(f.visited_at) AS first_visit,
         max(c.id) FILTER (WHERE c.decision = 'confirmed') AS confirmed_id,
         max(c.id) FILTER (WHERE c.decision = 'disputed') AS disputed_id,
         CAST(floor((date_part('epoch', s.completed_at) + 28800) / 86400) AS int) AS done_n
  FROM service_record s
  LEFT JOIN follow_up f ON f.service_record_id = s.id
  LEFT JOIN unit_confirmation c ON c.service_record_id = s.id
  WHERE s.completed_at >= (CAST(CAST(:from_day AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai')
    AND s.completed_at < (CAST(CAST(:to_day AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai')
    AND s.unit_id IN (SELECT id FROM ug)
  GROUP BY s.id
), srv AS (
  SELECT ug.region_code, ug.industry_code, count(*) AS delivered,
    count(*) FILTER (WHERE r.category = 'training') AS c_training,
    count(*) FILTER (WHERE r.category = 'risk_assessment') AS c_risk,
    count(*) FILTER (WHERE r.category = 'standardization') AS c_std,
    count(*) FILTER (WHERE r.category = 'hazard_investigation') AS c_hazard,
    count(*) FILTER (WHERE r.category = 'emergency_plan') AS c_plan,
    count(*) FILTER (WHERE r.category = 'tech_promotion') AS c_tech,
    count(*) FILTER (WHERE r.first_visit < due.ends5) AS f_on_time,
    count(*) FILTER (WHERE r.first_visit >= due.ends5) AS f_late,
    count(*) FILTER (WHERE r.first_visit IS NULL AND due.due5 < CAST(now() AT TIME ZONE 'Asia/Shanghai' AS date)) AS f_overdue,
    count(*) FILTER (WHERE r.first_visit IS NULL AND due.due5 >= CAST(now() AT TIME ZONE 'Asia/Shanghai' AS date)) AS f_pending,
    count(*) FILTER (WHERE due.due5 IS NULL) AS f_unknown,
    count(*) FILTER (WHERE r.organised_at < due.ends10) AS o_on_time,
    count(*) FILTER (WHERE r.organised_at >= due.ends10) AS o_late,
    count(*) FILTER (WHERE r.organised_at IS NULL AND due.due10 < CAST(now() AT TIME ZONE 'Asia/Shanghai' AS date)) AS o_overdue,
    count(*) FILTER (WHERE r.organised_at IS NULL AND due.due10 >= CAST(now() AT TIME ZONE 'Asia/Shanghai' AS date)) AS o_pending,
    count(*) FILTER (WHERE due.due10 IS NULL) AS o_unknown,
    count(*) FILTER (WHERE r.confirmed_id > coalesce(r.disputed_id, 0)) AS confirmed,
    count(*) FILTER (WHERE r.disputed_id > coalesce(r.confirmed_id, 0)) AS disputed
  FROM rec r JOIN ug ON ug.id = r.unit_id
  LEFT JOIN due ON due.n = r.done_n
  GROUP BY 1, 2
), sat AS (  -- follow-up visits in the range
  SELECT ug.region_code, ug.industry_code, count(*) AS responses, sum(f.satisfaction) AS score_sum,
    count(*) FILTER (WHERE f.satisfaction = 1) AS s1, count(*) FILTER (WHERE f.satisfaction = 2) AS s2,
    count(*) FILTER (WHERE f.satisfaction = 3) AS s3, count(*) FILTER (WHERE f.satisfaction = 4) AS s4,
    count(*) FILTER (WHERE f.satisfaction = 5) AS s5
  FROM follow_up f
  JOIN service_record s ON s.id = f.service_record_id
  JOIN ug ON ug.id = s.unit_id
  WHERE f.visited_at >= (CAST(CAST(:from_day AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai') AND f.visited_at < (CAST(CAST(:to_day AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai')
  GROUP BY 1, 2
), haz AS (  -- major hazards found in the range
  SELECT ug.region_code, ug.industry_code, count(*) AS found, count(h.told_at) AS told
  FROM hazard h
  JOIN service_record s ON s.id = h.service_record_id
  JOIN ug ON ug.id = s.unit_id
  WHERE h.is_major AND h.found_at >= (CAST(CAST(:from_day AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai') AND h.found_at < (CAST(CAST(:to_day AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai')
  GROUP BY 1, 2
), cmp AS (  -- complaints filed in the range
  SELECT ug.region_code, ug.industry_code, count(*) AS filed, count(c.answered_at) AS answered,
    count(*) FILTER (WHERE c.needs_verification) AS verification,
    count(*) FILTER (WHERE NOT c.needs_verification AND c.answered_at < d.ends5) AS a_on_time,
    count(*) FILTER (WHERE NOT c.needs_verification AND c.answered_at >= d.ends5) AS a_late,
    count(*) FILTER (WHERE NOT c.needs_verification AND c.answered_at IS NULL AND d.due5 < CAST(now() AT TIME ZONE 'Asia/Shanghai' AS date)) AS a_overdue,
    count(*) FILTER (WHERE NOT c.needs_verification AND c.answered_at IS NULL AND d.due5 >= CAST(now() AT TIME ZONE 'Asia/Shanghai' AS date)) AS a_pending,
    count(*) FILTER (WHERE NOT c.needs_verification AND d.due5 IS NULL) AS a_unknown,
    count(*) FILTER (WHERE c.needs_verification AND c.answered_at < d.ends10) AS v_on_time,
    count(*) FILTER (WHERE c.needs_verification AND c.answered_at >= d.ends10) AS v_late,
    count(*) FILTER (WHERE c.needs_verification AND c.answered_at IS NULL AND d.due10 < CAST(now() AT TIME ZONE 'Asia/Shanghai' AS date)) AS v_overdue,
    count(*) FILTER (WHERE c.needs_verification AND c.answered_at IS NULL AND d.due10 >= CAST(now() AT TIME ZONE 'Asia/Shanghai' AS date)) AS v_pending,
    count(*) FILTER (WHERE c.needs_verification AND d.due10 IS NULL) AS v_unknown
  FROM complaint c
  JOIN ug ON ug.id = c.unit_id
  LEFT JOIN due d ON d.n = CAST(floor((date_part('epoch', c.filed_at) + 28800) / 86400) AS int)
  WHERE c.filed_at >= (CAST(CAST(:from_day AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai') AND c.filed_at < (CAST(CAST(:to_day AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai')
  GROUP BY 1, 2
), led AS (  -- ledger entries on days in the range; an adjustment counts as what it corrects
  SELECT ug.region_code, ug.industry_code,
    sum(e.amount) FILTER (WHERE (CASE WHEN e.kind = 'adjustment' THEN o.kind ELSE e.kind END) = 'allocation') AS income,
    sum(e.amount) FILTER (WHERE (CASE WHEN e.kind = 'adjustment' THEN o.kind ELSE e.kind END) = 'expenditure') AS expenditure
  FROM fee_ledger_entry e
  LEFT JOIN fee_ledger_entry o ON o.id = e.corrects_id
  JOIN ug ON ug.id = e.unit_id
  WHERE e.occurred_on >= CAST(:from_day AS date) AND e.occurred_on < CAST(:to_day AS date)
  GROUP BY 1, 2
), grp AS (
  SELECT region_code, industry_code FROM cov UNION SELECT region_code, industry_code FROM srv
  UNION SELECT region_code, industry_code FROM sat UNION SELECT region_code, industry_code FROM haz
  UNION SELECT region_code, industry_code FROM cmp UNION SELECT region_code, industry_code FROM led
), fig AS (  -- every figure of a group, zero when its family has no rows there
  SELECT g.region_code, g.industry_code, r.name AS region_name, upper(r.level) AS region_level,
    i.name AS industry_name, coalesce(cov.units, 0) AS units,
    coalesce(srv.delivered, 0) AS delivered, coalesce(srv.c_training, 0) AS c_training,
    coalesce(srv.c_risk, 0) AS c_risk, coalesce(srv.c_std, 0) AS c_std,
    coalesce(srv.c_hazard, 0) AS c_hazard, coalesce(srv.c_plan, 0) AS c_plan,
    coalesce(srv.c_tech, 0) AS c_tech,
    coalesce(srv.f_on_time, 0) AS f_on_time, coalesce(srv.f_late, 0) AS f_late,
    coalesce(srv.f_overdue, 0) AS f_overdue, coalesce(srv.f_pending, 0) AS f_pending,
    coalesce(srv.f_unknown, 0) AS f_unknown,
    coalesce(srv.o_on_time, 0) AS o_on_time, coalesce(srv.o_late, 0) AS o_late,
    coalesce(srv.o_overdue, 0) AS o_overdue, coalesce(srv.o_pending, 0) AS o_pending,
    coalesce(srv.o_unknown, 0) AS o_unknown,
    coalesce(srv.confirmed, 0) AS confirmed, coalesce(srv.disputed, 0) AS disputed,
    coalesce(sat.responses, 0) AS responses, coalesce(sat.score_sum, 0) AS score_sum,
    coalesce(sat.s1, 0) AS s1, coalesce(sat.s2, 0) AS s2, coalesce(sat.s3, 0) AS s3,
    coalesce(sat.s4, 0) AS s4, coalesce(sat.s5, 0) AS s5,
    coalesce(haz.found, 0) AS found, coalesce(haz.told, 0) AS told,
    coalesce(cmp.filed, 0) AS filed, coalesce(cmp.answered, 0) AS answered,
    coalesce(cmp.verification, 0) AS verification,
    coalesce(cmp.a_on_time, 0) AS a_on_time, coalesce(cmp.a_late, 0) AS a_late,
    coalesce(cmp.a_overdue, 0) AS a_overdue, coalesce(cmp.a_pending, 0) AS a_pending,
    coalesce(cmp.a_unknown, 0) AS a_unknown,
    coalesce(cmp.v_on_time, 0) AS v_on_time, coalesce(cmp.v_late, 0) AS v_late,
    coalesce(cmp.v_overdue, 0) AS v_overdue, coalesce(cmp.v_pending, 0) AS v_pending,
    coalesce(cmp.v_unknown, 0) AS v_unknown,
    coalesce(led.income, 0.00) AS income, coalesce(led.expenditure, 0.00) AS expenditure
  FROM grp g
  LEFT JOIN region r ON r.code = g.region_code
  LEFT JOIN industry i ON i.code = g.industry_code
  LEFT JOIN cov ON cov.region_code IS NOT DISTINCT FROM g.region_code AND cov.industry_code = g.industry_code
  LEFT JOIN srv ON srv.region_code IS NOT DISTINCT FROM g.region_code AND srv.industry_code = g.industry_code
  LEFT JOIN sat ON sat.region_code IS NOT DISTINCT FROM g.region_code AND sat.industry_code = g.industry_code
  LEFT JOIN haz ON haz.region_code IS NOT DISTINCT FROM g.region_code AND haz.industry_code = g.industry_code
  LEFT JOIN cmp ON cmp.region_code IS NOT DISTINCT FROM g.region_code AND cmp.industry_code = g.industry_code
  LEFT JOIN led ON led.region_code IS NOT DISTINCT FROM g.region_code AND led.industry_code = g.industry_code
)
SELECT json_build_object('data', json_build_object('stats', json_build_object(
  'groupBy', json_build_array('REGION', 'INDUSTRY'),
  'regionLevel', 'PROVINCE',
  'rulesVersion', 'AQ9010-draft',
  'asOf', to_char(CAST(now() AT TIME ZONE 'Asia/Shanghai' AS date), 'YYYY-MM-DD'),
  'groups', coalesce(json_agg(json_build_object(
    'region', CASE WHEN f.region_code IS NOT NULL THEN json_build_object(
      'code', f.region_code, 'name', f.region_name, 'level', f.region_level) END,
    'industry', CASE WHEN f.industry_code IS NOT NULL THEN json_build_object(
      'code', f.industry_code, 'name', f.industry_name) END,
    'insurer', NULL,
    'unitsCovered', f.units,
    'services', json_build_object('delivered', f.delivered, 'byCategory', json_build_array(
      json_build_object('category', 'TRAINING', 'count', f.c_training),
      json_build_object('category', 'RISK_ASSESSMENT', 'count', f.c_risk),
      json_build_object('category', 'STANDARDIZATION', 'count', f.c_std),
      json_build_object('category', 'HAZARD_INVESTIGATION', 'count', f.c_hazard),
      json_build_object('category', 'EMERGENCY_PLAN', 'count', f.c_plan),
      json_build_object('category', 'TECH_PROMOTION', 'count', f.c_tech))),
    'satisfaction', json_build_object('responses', f.responses, 'scoreSum', f.score_sum,
      'average', CASE WHEN f.responses > 0 THEN round(CAST(f.score_sum AS numeric) / f.responses, 4)::text END,
      'distribution', json_build_array(
        json_build_object('score', 1, 'count', f.s1), json_build_object('score', 2, 'count', f.s2),
        json_build_object('score', 3, 'count', f.s3), json_build_object('score', 4, 'count', f.s4),
        json_build_object('score', 5, 'count', f.s5))),
    'followUp', json_build_object('rule', 'R-6.3-followup', 'workingDays', 5,
      'onTime', f.f_on_time, 'late', f.f_late, 'overdue', f.f_overdue, 'pending', f.f_pending,
      'unknownDeadline', f.f_unknown,
      'onTimeRate', json_build_object('numerator', f.f_on_time,
        'denominator', f.f_on_time + f.f_late + f.f_overdue,
        'ratio', CASE WHEN f.f_on_time + f.f_late + f.f_overdue > 0 THEN
          round(CAST(f.f_on_time AS numeric) / (f.f_on_time + f.f_late + f.f_overdue), 4)::text END)),
    'archive', json_build_object('confirmed', f.confirmed, 'disputed', f.disputed,
      'unconfirmed', f.delivered - f.confirmed - f.disputed,
      'confirmedRate', json_build_object('numerator', f.confirmed, 'denominator', f.delivered,
        'ratio', CASE WHEN f.delivered > 0 THEN round(CAST(f.confirmed AS numeric) / f.delivered, 4)::text END),
      'organised', json_build_object('rule', 'R-6.3-archive', 'workingDays', 10,
        'onTime', f.o_on_time, 'late', f.o_late, 'overdue', f.o_overdue, 'pending', f.o_pending,
        'unknownDeadline', f.o_unknown,
        'onTimeRate', json_build_object('numerator', f.o_on_time,
          'denominator', f.o_on_time + f.o_late + f.o_overdue,
          'ratio', CASE WHEN f.o_on_time + f.o_late + f.o_overdue > 0 THEN
            round(CAST(f.o_on_time AS numeric) / (f.o_on_time + f.o_late + f.o_overdue), 4)::text END))),
    'complaints', json_build_object('filed', f.filed, 'answered', f.answered,
      'answeredRate', json_build_object('numerator', f.answered, 'denominator', f.filed,
        'ratio', CASE WHEN f.filed > 0 THEN round(CAST(f.answered AS numeric) / f.filed, 4)::text END),
      'needingVerification', f.verification,
      'answer', json_build_object('rule', 'R-6.4-complaint', 'workingDays', 5,
        'onTime', f.a_on_time, 'late', f.a_late, 'overdue', f.a_overdue, 'pending', f.a_pending,
        'unknownDeadline', f.a_unknown,
        'onTimeRate', json_build_object('numerator', f.a_on_time,
          'denominator', f.a_on_time + f.a_late + f.a_overdue,
          'ratio', CASE WHEN f.a_on_time + f.a_late + f.a_overdue > 0 THEN
            round(CAST(f.a_on_time AS numeric) / (f.a_on_time + f.a_late + f.a_overdue), 4)::text END)),
      'verifiedAnswer', json_build_object('rule', 'R-6.4-complaint', 'workingDays', 10,
        'onTime', f.v_on_time, 'late', f.v_late, 'overdue', f.v_overdue, 'pending', f.v_pending,
        'unknownDeadline', f.v_unknown,
        'onTimeRate', json_build_object('numerator', f.v_on_time,
          'denominator', f.v_on_time + f.v_late + f.v_overdue,
          'ratio', CASE WHEN f.v_on_time + f.v_late + f.v_overdue > 0 THEN
            round(CAST(f.v_on_time AS numeric) / (f.v_on_time + f.v_late + f.v_overdue), 4)::text END))),
    'fees', json_build_object('income', f.income::text, 'expenditure', f.expenditure::text,
      'balance', (f.income - f.expenditure)::text),
    'majorHazards', json_build_object('found', f.found, 'told', f.told, 'untold', f.found - f.told,
      'toldRate', json_build_object('numerator', f.told, 'denominator', f.found,
        'ratio', CASE WHEN f.found > 0 THEN round(CAST(f.told AS numeric) / f.found, 4)::text END)))
    ORDER BY f.region_code NULLS LAST, f.industry_code NULLS LAST), '[]'::json)
)))::text
FROM fig f;
