/**
 * A fake of GitHub's REST API for issue comments on 127.0.0.1, for the built action's
 * comment: who the token is, list, create and update, with every request recorded.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: unknown;
}

export interface FakeComment {
  id: number;
  /** The issue or pull request it is on. */
  issue: number;
  body: string;
  user: { login: string } | null;
}

export interface FakeGithubApi {
  url: string;
  requests: RecordedRequest[];
  comments: FakeComment[];
  /**
   * The token's identity from `GET /user`; null answers 403 as GitHub does for an installation
   * token (GITHUB_TOKEN), whose comments are then by github-actions[bot].
   */
  login: string | null;
  /** Answer every write with this status (e.g. 403 as for a fork's token). */
  refuseWritesWith: number | null;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text === "" ? null : (JSON.parse(text) as unknown);
}

const BOT = "github-actions[bot]";

export async function startFakeGithubApi(owner: string, repo: string): Promise<FakeGithubApi> {
  const api: FakeGithubApi = {
    url: "",
    requests: [],
    comments: [],
    login: null,
    refuseWritesWith: null,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  let nextId = 1000;
  const list = new RegExp(`^/repos/${owner}/${repo}/issues/(\\d+)/comments$`);
  const one = new RegExp(`^/repos/${owner}/${repo}/issues/comments/(\\d+)$`);
  const server: Server = createServer((request, response) => {
    void (async () => {
      const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
      const body = await readBody(request);
      api.requests.push({
        method: request.method ?? "",
        path,
        authorization: request.headers.authorization,
        body,
      });
      const send = (status: number, value: unknown): void => {
        response.writeHead(status, { "content-type": "application/json" });
        response.end(JSON.stringify(value));
      };
      const write = request.method === "POST" || request.method === "PATCH";
      if (write && api.refuseWritesWith !== null) {
        send(api.refuseWritesWith, { message: "Resource not accessible by integration" });
        return;
      }
      const text = (body as { body?: unknown } | null)?.body;
      if (request.method === "GET" && path === "/user") {
        if (api.login === null) send(403, { message: "Resource not accessible by integration" });
        else send(200, { login: api.login, type: "User" });
      } else if (request.method === "GET" && list.test(path)) {
        const issue = Number(list.exec(path)?.[1]);
        send(
          200,
          api.comments.filter((c) => c.issue === issue),
        );
      } else if (request.method === "POST" && list.test(path) && typeof text === "string") {
        const comment = {
          id: nextId++,
          issue: Number(list.exec(path)?.[1]),
          body: text,
          user: { login: api.login ?? BOT },
        };
        api.comments.push(comment);
        send(201, comment);
      } else if (request.method === "PATCH" && one.test(path) && typeof text === "string") {
        const id = Number(one.exec(path)?.[1]);
        const comment = api.comments.find((c) => c.id === id);
        if (comment === undefined) return send(404, { message: "Not Found" });
        comment.body = text;
        send(200, comment);
      } else {
        send(404, { message: "Not Found" });
      }
    })();
  });
  const port = await new Promise<number>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)),
  );
  api.url = `http://127.0.0.1:${port}`;
  return api;
}
