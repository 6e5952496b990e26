/**
 * Peak memory of `llm` sending a 20 MB attachment: the target is under 3x the file size. The file is read
 * once and the request body streamed (its base64 written piece by piece), so the run should cost about the
 * file once over the same command with a tiny attachment.
 *
 * ```sh
 * deno run -A bench/attachment_memory.ts              # 5 runs of each, the summary on stdout
 * deno run -A bench/attachment_memory.ts --runs=10 --mb=50
 * ```
 *
 * The commands run `llm -m 4o-mini -n Describe -a FILE` (not logged, so logs.db is left out), and the large
 * one logged too, against the loopback server in this process, whose memory is not counted. Peak memory is the child's maximum resident
 * set size (see measure.ts). The figure is the peak of the large run less the peak of the tiny one, divided by
 * the file size.
 * @module
 */
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { measureCommands, memorySource } from "./measure.ts";
import { type Group, groupText } from "./report.ts";
import { startOpenAIServer } from "../tests/support/openai_server.ts";

const cli = fileURLToPath(new URL("../cli.ts", import.meta.url));
const PNG_HEAD = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The attachment group: a `megabytes` MB image against a 12-byte one, not logged and logged. */
export async function attachmentGroup(runs: number, megabytes = 20): Promise<Group> {
  await using server = await startOpenAIServer();
  const dir = await Deno.makeTempDir({ prefix: "llm-bench-attach-" });
  try {
    const size = megabytes * 1024 * 1024;
    const big = new Uint8Array(size);
    big.set(PNG_HEAD);
    // Bytes that do not compress to nothing, as a real image's would not.
    for (let i = 8; i < size; i += 65536) crypto.getRandomValues(big.subarray(i, Math.min(i + 65536, size)));
    await Deno.writeFile(`${dir}/big.png`, big);
    await Deno.writeFile(`${dir}/tiny.png`, new Uint8Array([...PNG_HEAD, 0, 0, 0, 0]));
    const env = {
      LLM_USER_PATH: dir,
      OPENAI_BASE_URL: server.url,
      OPENAI_API_KEY: "sk-bench",
      NO_COLOR: "1",
    };
    const command = (file: string, logged = false) => ({
      name: `llm${logged ? "" : " -n"} -a ${file === "big.png" ? `${megabytes} MB` : "12 byte"} image` +
        (logged ? " (logged)" : ""),
      cmd: [
        Deno.execPath(),
        "run",
        "-A",
        cli,
        "-m",
        "4o-mini",
        ...(logged ? [] : ["-n"]),
        "Describe",
        "-a",
        file,
      ],
      env,
      cwd: dir,
      before: () => server.enqueue({ kind: "text", text: "A picture." }),
      check: (out: { code: number; stdout: string; stderr: string }) => {
        if (out.code !== 0 || out.stdout !== "A picture.\n") throw new Error(out.stderr || out.stdout);
      },
    });
    const [tiny, large, logged] = await measureCommands(
      [command("tiny.png"), command("big.png"), command("big.png", true)],
      runs,
    );
    // The server saw the whole image each time.
    const last = server.requests.at(-1)!;
    const url = last.body.messages[0].content[1].image_url.url as string;
    if (url.length !== "data:image/png;base64,".length + 4 * Math.ceil(size / 3)) {
      throw new Error("the image did not arrive whole");
    }
    const mib = (kib: number) => kib / 1024;
    const over = (m: typeof large) =>
      m.peakKib && tiny.peakKib ? mib(m.peakKib.median - tiny.peakKib.median) / megabytes : NaN;
    const whole = mib(large.peakKib?.median ?? NaN) / megabytes;
    return {
      title: `Attachments: a ${megabytes} MB image`,
      description:
        `\`llm -m 4o-mini -a FILE\` against the loopback server, with a ${megabytes} MB PNG and with a ` +
        `12-byte one; peak memory from ${memorySource}. The file is read once and the request body streamed. ` +
        `Target: under 3x the file size. Sending it costs ${
          over(large).toFixed(2)
        }x the file size over the tiny ` +
        `attachment (${over(logged).toFixed(2)}x logged); counted from zero the whole process peaks at ` +
        `${whole.toFixed(2)}x, because Deno alone starts at about ${
          mib(tiny.peakKib?.median ?? NaN).toFixed(0)
        } MiB.`,
      measurements: [tiny, large, logged],
      targets: {},
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { runs: { type: "string", default: "5" }, mb: { type: "string", default: "20" } },
  });
  const group = await attachmentGroup(Number(values.runs), Number(values.mb));
  console.log(`${groupText(group)}\n\n${group.description}`);
}
