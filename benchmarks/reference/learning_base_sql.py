"""The learning base (docs/learning-base.md) as one SQL query, shared by the DuckDB
runs of the benchmark. `events` must be a relation with typed columns:
event_time TIMESTAMP, event_type VARCHAR, product_id INTEGER, category_code VARCHAR,
brand VARCHAR, price DOUBLE, user_id INTEGER, user_session VARCHAR.

It follows the reference pipeline shape of §6: P (session x product groups), S (sessions,
row_number BEFORE the join so the NULL-session group takes a slot), inner join, RANGE-frame
running sum. `first()` is taken as the value of the earliest row (by event_time) of the group.
"""


def learning_base_sql(start: str, end: str) -> str:
    return f"""
WITH e AS (
    SELECT * FROM events
    WHERE event_time >= TIMESTAMP '{start}' AND event_time <= TIMESTAMP '{end}'
),
p AS (
    SELECT user_session, product_id, user_id,
           avg(price) AS price,
           first(category_code ORDER BY event_time) AS category_code,
           first(brand ORDER BY event_time) AS brand,
           count(*) FILTER (WHERE event_type = 'view') AS num_views_product,
           coalesce(bool_or(event_type = 'purchase'), false) AS purchased
    FROM e
    WHERE user_session IS NOT NULL AND user_id IS NOT NULL
    GROUP BY user_session, product_id, user_id
),
s AS (
    SELECT user_session, user_id,
           min(event_time) AS start_time, max(event_time) AS end_time,
           count(DISTINCT product_id) AS num_views_session
    FROM e
    WHERE user_id IS NOT NULL
    GROUP BY user_session, user_id
),
s2 AS (
    SELECT *, CAST(row_number() OVER (PARTITION BY user_id ORDER BY start_time, user_session NULLS FIRST) - 1 AS INTEGER)
              AS sessions_precedentes
    FROM s
),
j AS (
    SELECT p.user_id, p.user_session, p.product_id, p.price, p.category_code, p.brand,
           p.num_views_product, p.purchased, s2.start_time, s2.end_time, s2.num_views_session,
           CAST(epoch(s2.end_time) - epoch(s2.start_time) AS INTEGER) AS duration,
           hour(s2.start_time) AS start_hour, minute(s2.start_time) AS start_minute,
           dayofweek(s2.start_time) + 1 AS start_dayofweek,
           s2.sessions_precedentes
    FROM p JOIN s2 ON p.user_id = s2.user_id AND p.user_session = s2.user_session
)
SELECT *,
       sum(num_views_product) OVER (PARTITION BY user_id, product_id ORDER BY start_time
                                    RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS num_prev_and_current_product_views,
       sum(num_views_product) OVER (PARTITION BY user_id, product_id ORDER BY start_time
                                    RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) - num_views_product AS num_prev_product_views
FROM j
"""


# Typed events from the raw CSV (clean generated data: the strict layout is enough here).
CSV_EVENTS = """
SELECT strptime(event_time, '%Y-%m-%d %H:%M:%S UTC') AS event_time, event_type,
       TRY_CAST(product_id AS INTEGER) AS product_id, category_code, brand,
       TRY_CAST(price AS DOUBLE) AS price, TRY_CAST(user_id AS INTEGER) AS user_id, user_session
FROM read_csv({paths}, header=true, all_varchar=true)
"""

# Typed events from our store (ids kept as BIGINT there; the 32-bit rule applied here). The
# store's user_session is the session text (events schema version 2, what `extract ingest`
# writes into a new store).
STORE_EVENTS = """
SELECT CAST(event_time AS TIMESTAMP) AS event_time, event_type,
       CASE WHEN product_id BETWEEN -2147483648 AND 2147483647 THEN CAST(product_id AS INTEGER) END AS product_id,
       category_code, brand, price,
       CASE WHEN user_id BETWEEN -2147483648 AND 2147483647 THEN CAST(user_id AS INTEGER) END AS user_id,
       user_session
FROM read_parquet('{store}/events/*/*.parquet', hive_partitioning=true)
WHERE "date" BETWEEN DATE '{first_day}' AND DATE '{last_day}'
"""
