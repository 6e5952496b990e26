/**
 * The flags of the embedding commands: `llm embed`, `embed-multi`, `similar`, and the `embed-models` and
 * `collections` groups; the behaviour of each is in the file of its name beside this one, loaded when it runs.
 * @module
 */
import type { CommandSpec } from "../../../commands/spec.ts";
import { behaviourIn, group, leaf, many, o } from "../../command_builders.ts";
import { jsonOutput } from "../../shared_options.ts";

const runIn = (module: string) => behaviourIn(import.meta.url, `./${module}.ts`);

const EMBED_MULTI_DESCRIPTION = `Store embeddings for multiple strings at once in the specified collection.

Input data can come from one of three sources:

 1. A CSV, TSV, JSON or JSONL file:
    - CSV/TSV: First column is ID, remaining columns concatenated as content
    - JSON: Array of objects with "id" field and content fields
    - JSONL: Newline-delimited JSON objects

    Examples:
      llm embed-multi docs input.csv
      cat data.json | llm embed-multi docs -
      llm embed-multi docs input.json --format json

 2. A SQL query against a SQLite database:
    - First column returned is used as ID
    - Other columns concatenated to form content

    Examples:
      llm embed-multi docs --sql "SELECT id, title, body FROM posts"
      llm embed-multi docs --attach blog blog.db --sql "SELECT id, content FROM blog.posts"

 3. Files in directories matching glob patterns:
    - Each file becomes one embedding
    - Relative file paths become IDs

    Examples:
      llm embed-multi docs --files docs '**/*.md'
      llm embed-multi images --files photos '*.jpg' --binary
      llm embed-multi texts --files texts '*.txt' --encoding utf-8 --encoding latin-1`;

/** The embedding commands: `embed`, `embed-multi`, `similar`, and the `embed-models` and `collections` groups. */
export function embeddingCommands(): CommandSpec[] {
  const db = () =>
    o("-d --database", "string", "Path to embeddings database", {
      metavar: "FILE",
      env: "LLM_EMBEDDINGS_DB",
    });
  const embedModel = o("-m --model", "string", "Embedding model to use", { env: "LLM_EMBEDDING_MODEL" });
  const binary = o("--binary", "boolean", "Treat input as binary data");
  const store = o("--store", "boolean", "Store the text itself in the database");
  return [
    leaf("embed", "Embed text and store or return the result", runIn("embed")("embedCommand"), {
      args: [{ name: "collection" }, { name: "id" }],
      options: [
        o("-i --input", "string", "File to embed", { metavar: "PATH" }),
        embedModel,
        store,
        db(),
        o("-c --content", "string", "Content to embed"),
        binary,
        o("--metadata", "string", "JSON object metadata to store"),
        o("-f --format", "string", "Output format", { choices: ["json", "blob", "base64", "hex"] }),
      ],
    }),
    leaf(
      "embed-multi",
      "Store embeddings for multiple strings at once in the specified collection",
      runIn("embed_multi")("embedMultiCommand"),
      {
        description: EMBED_MULTI_DESCRIPTION,
        args: [{ name: "collection", required: true }, { name: "input_path" }],
        options: [
          o("--format", "string", "Format of input file - defaults to auto-detect", {
            choices: ["json", "csv", "tsv", "nl"],
          }),
          o("--files", "pair", "Embed files in this directory - specify directory and glob pattern", {
            ...many,
            metavar: "<DIRECTORY TEXT>...",
          }),
          o("--encoding", "string", "Encodings to try when reading --files", many),
          o("--binary", "boolean", "Treat --files as binary data"),
          o("--sql", "string", "Read input using this SQL query"),
          o("--attach", "pair", "Additional databases to attach - specify alias and file path", {
            ...many,
            metavar: "<TEXT FILE>...",
          }),
          o("--batch-size", "integer", "Batch size to use when running embeddings"),
          o("--prefix", "string", "Prefix to add to the IDs", { default: "" }),
          embedModel,
          o("--prepend", "string", "Prepend this string to all content before embedding"),
          store,
          db(),
        ],
      },
    ),
    leaf(
      "similar",
      "Return top N similar IDs from a collection using cosine similarity",
      runIn("similar")("similarCommand"),
      {
        description:
          "Return top N similar IDs from a collection using cosine similarity.\n\nExample usage:\n\n" +
          '    llm similar my-collection -c "I like cats"\n\nOr to find content similar to a specific stored ID:' +
          "\n\n    llm similar my-collection 1234",
        args: [{ name: "collection", required: true }, { name: "id" }],
        options: [
          o("-i --input", "string", "File to embed for comparison", { metavar: "PATH" }),
          o("-c --content", "string", "Content to embed for comparison"),
          binary,
          o("-n --number", "integer", "Number of results to return", { default: 10 }),
          o("-p --plain", "boolean", "Output in plain text format"),
          db(),
          o("--prefix", "string", "Just IDs with this prefix", { default: "" }),
        ],
      },
    ),
    group("embed-models", "Manage available embedding models", () => [
      leaf("list", "List available embedding models", runIn("embed_models")("embedModelsList"), {
        options: [o("-q --query", "string", "Search for embedding models matching these strings", many)],
      }),
      leaf(
        "default",
        "Show or set the default embedding model",
        runIn("embed_models")("embedModelsDefault"),
        {
          args: [{ name: "model" }],
          options: [o("--remove-default", "boolean", "Reset to specifying no default model")],
        },
      ),
    ]),
    group("collections", "View and manage collections of embeddings", () => [
      leaf("list", "View a list of collections", runIn("collections")("collectionsList"), {
        options: [db(), jsonOutput("Output as JSON")],
      }),
      leaf("delete", "Delete the specified collection", runIn("collections")("collectionsDelete"), {
        description:
          "Delete the specified collection\n\nExample usage:\n\n    llm collections delete my-collection",
        args: [{ name: "collection", required: true }],
        options: [db()],
      }),
      leaf("path", "Output the path to the embeddings database", runIn("collections")("collectionsPath")),
    ]),
  ];
}
