/**
 * Records `tests/fixtures/python-llm-0.32/response-json/python_to_dict.json`: what Python `llm` 0.32's
 * `Response.to_dict()` gives for a two-turn conversation (a system prompt, an option, a reasoning model's
 * turn) run against the loopback OpenAI server, to test that `Response.fromJSON()` reads Python's JSON. The
 * tests read only the recorded file.
 *
 * `deno run -A tests/support/record_python_response_json.ts` (Python llm at /tmp/pyllm, or `PYTHON_LLM_PY`
 * naming its python)
 * @module
 */
import { fileURLToPath } from "node:url";
import { startOpenAIServer } from "./openai_server.ts";

const OUT = fileURLToPath(new URL("../fixtures/python-llm-0.32/response-json/", import.meta.url));
const PYTHON = Deno.env.get("PYTHON_LLM_PY") ?? "/tmp/pyllm/bin/python";

/** The Python program: a conversation of two turns, then each response's `to_dict()`, as JSON. */
export const SCRIPT = `
import json, llm
model = llm.get_model("gpt-4o-mini")
conversation = model.conversation()
first = conversation.prompt("Two names for a pelican", system="Be brief", temperature=0.5)
first.text()
second = conversation.prompt("One more")
second.text()
reasoning = llm.get_model("gpt-5.5").prompt("Think, then answer")
reasoning.text()
print(json.dumps({"first": first.to_dict(), "second": second.to_dict(), "reasoning": reasoning.to_dict()}, indent=2))
`;

if (import.meta.main) {
  await using server = await startOpenAIServer();
  server.enqueue(
    { kind: "text", text: "Percy and Gulliver.", usage: { input: 12, output: 5 } },
    { kind: "text", text: "Pip.", usage: { input: 20, output: 2 } },
    {
      kind: "recorded",
      file: fileURLToPath(
        new URL("../fixtures/python-llm-0.32/openai/endpoint-responses-reasoning.json", import.meta.url),
      ),
    },
  );
  const user = await Deno.makeTempDir({ prefix: "llm-py-user-" });
  try {
    const out = await new Deno.Command(PYTHON, {
      args: ["-c", SCRIPT],
      env: { LLM_USER_PATH: user, OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "sk-test" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (out.code !== 0) throw new Error(`Python failed: ${new TextDecoder().decode(out.stderr)}`);
    await Deno.mkdir(OUT, { recursive: true });
    await Deno.writeFile(OUT + "python_to_dict.json", out.stdout);
    console.log(`Recorded ${OUT}python_to_dict.json`);
  } finally {
    await Deno.remove(user, { recursive: true });
  }
}
