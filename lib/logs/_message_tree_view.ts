/**
 * The query behind the `message_tree` view (migration m026): every conversation tree in the message
 * store as indented text, one row per message, depth first, siblings in insertion order.
 *
 * Columns, as in Python llm 0.32: `root_hash` (the tree's first message), `datetime` (earliest turn that
 * recorded the message, `YYYY-MM-DD HH:MM:SS`), `message` (four spaces per level, then the first 60
 * characters of the message's first part, newlines flattened), `tools` (names on its tool results),
 * `message_hash` and `path` (zero-padded rowids from the root; rows are ordered by it).
 *
 * @module
 */

/** The `SELECT` used by `CREATE VIEW "message_tree" AS ...`. */
export const MESSAGE_TREE_VIEW_SQL = `WITH RECURSIVE
labelled (hash, parent_hash, seq, label, tools) AS (
  SELECT msg.hash, msg.parent_hash, msg.rowid,
    replace(
      CASE WHEN first.text <> '' THEN first.text ELSE coalesce(
        (SELECT frag.content FROM part_fragments AS link
          JOIN fragments AS frag ON frag.id = link.fragment_id
          WHERE link.part_id = first.id ORDER BY link."order" LIMIT 1),
        '[' || coalesce(first.type, 'empty') || ']'
      ) END,
      char(10), ' '),
    (SELECT group_concat(res.tool_name, ', ') FROM parts AS res
      WHERE res.message_hash = msg.hash AND res.type = 'tool_result' AND res.tool_name IS NOT NULL)
  FROM messages AS msg
  LEFT JOIN parts AS first ON first.message_hash = msg.hash AND first.position = 0
),
walk (hash, label, tools, depth, sort_path, root) AS (
  SELECT hash, label, tools, 0, printf('%012d', seq), hash FROM labelled WHERE parent_hash IS NULL
  UNION ALL
  SELECT child.hash, child.label, child.tools, walk.depth + 1,
    walk.sort_path || '/' || printf('%012d', child.seq), walk.root
  FROM labelled AS child JOIN walk ON child.parent_hash = walk.hash
),
ancestry (recorded, hash, parent_hash) AS (
  SELECT turn.datetime_utc, msg.hash, msg.parent_hash
  FROM turns AS turn JOIN messages AS msg ON msg.hash = turn.tip_message_hash
  UNION
  SELECT ancestry.recorded, msg.hash, msg.parent_hash
  FROM ancestry JOIN messages AS msg ON msg.hash = ancestry.parent_hash
)
SELECT
  walk.root AS root_hash,
  strftime('%Y-%m-%d %H:%M:%S', (SELECT min(a.recorded) FROM ancestry AS a WHERE a.hash = walk.hash))
    AS datetime,
  printf('%*s', walk.depth * 4, '') || substr(walk.label, 1, 60) AS message,
  coalesce(walk.tools, '') AS tools,
  walk.hash AS message_hash,
  walk.sort_path AS path
FROM walk
ORDER BY walk.sort_path`;
