// The one write-or-check loop of the generators whose output is committed (preset docs, shipped
// schemas, the report-fields page): with `check`, list what is stale without writing; without,
// write what differs.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch {
    return undefined;
  }
}

/** Files (absolute path → contents) whose contents on disk differ; written unless `check`. */
export async function syncGeneratedFiles(
  files: ReadonlyMap<string, string>,
  check: boolean,
): Promise<string[]> {
  const stale: string[] = [];
  for (const [path, contents] of files) {
    if ((await readIfExists(path)) === contents) continue;
    stale.push(path);
    if (!check) {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, contents);
    }
  }
  return stale;
}
