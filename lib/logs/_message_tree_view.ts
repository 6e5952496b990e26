/**
 * The query behind the `message_tree` view (migration m026): every conversation tree in the message store as
 * indented text, one row per message, depth first, siblings in insertion order. The text is exactly the SQL
 * Python `llm` 0.32 creates the view with (a schema object both tools share, compared byte for byte in
 * tests/logs_migrations_test.ts), so a logs.db reads the same whichever tool made it.
 *
 * Columns: `root_hash` (the tree's first message), `datetime` (earliest turn that recorded the message,
 * `YYYY-MM-DD HH:MM:SS`), `message` (four spaces per level, then the first 60 characters of the message's first
 * part, newlines flattened), `tools` (names on its tool results), `message_hash` and `path` (zero-padded rowids
 * from the root; rows are ordered by it).
 *
 * @module
 */

/** The `SELECT` used by `CREATE VIEW "message_tree" AS ...`. */
export const MESSAGE_TREE_VIEW_SQL = `with recursive msg as (
  select m.hash, m.parent_hash, m.role, m.rowid as rid,
    replace(coalesce(
      nullif(p.text, ''),
      (select f.content from part_fragments pf
       join fragments f on f.id = pf.fragment_id
       where pf.part_id = p.id
       order by pf."order" limit 1),
      '[' || coalesce(p.type, 'empty') || ']'
    ), char(10), ' ') as text,
    (select group_concat(p2.tool_name, ', ') from parts p2
     where p2.message_hash = m.hash and p2.type = 'tool_result'
       and p2.tool_name is not null) as tools
  from messages m
  left join parts p on p.message_hash = m.hash and p.position = 0
),
tree as (
  select hash, text, tools, 0 as depth,
    printf('%012d', rid) as path, hash as root_hash
  from msg where parent_hash is null
  union all
  select msg.hash, msg.text, msg.tools, t.depth + 1,
    t.path || '/' || printf('%012d', msg.rid),
    t.root_hash
  from msg join tree t on msg.parent_hash = t.hash
),
turn_chain as (
  select t.id as turn_id, t.datetime_utc, m.hash, m.parent_hash
  from turns t join messages m on m.hash = t.tip_message_hash
  union all
  select tc.turn_id, tc.datetime_utc, m.hash, m.parent_hash
  from turn_chain tc join messages m on m.hash = tc.parent_hash
)
select
  t.root_hash,
  strftime('%Y-%m-%d %H:%M:%S',
    (select min(tc.datetime_utc) from turn_chain tc where tc.hash = t.hash)
  ) as datetime,
  replace(hex(zeroblob(t.depth)), '00', '    ') || substr(t.text, 1, 60)
    as message,
  coalesce(t.tools, '') as tools,
  t.hash as message_hash,
  t.path
from tree t
order by t.path`;
