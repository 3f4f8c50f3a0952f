// Run the custom-functions JavaScript that Excel loads from `cs-workbook serve` in Node, and
// call the functions through it.
//
//   node officejs_harness.mjs <manifest URL> <input.json> <output.json>
//
// Like Excel with the add-in's shared runtime, it reads the manifest, opens the runtime page
// (Taskpane.Url) and runs, from the server and in the page's order, the scripts the custom
// functions need: config.js and custom-scripts/index.js (xlwings' ES modules; every module
// they import is fetched from the server by http-loader.mjs), auth.js and the manifest's
// Functions.Script.Url (xlwings' custom-functions-code.js with its associate() calls). Then
// it calls the associated functions as Excel does: one 2-D array per declared parameter,
// null for omitted optional ones, and the invocation last. Every request is built and sent
// by xlwings' code; nothing here knows its format.
//
// Stubbed: the Office.js host (Office, Excel, CustomFunctions, which office.js and Excel
// provide) and what a browser has and Node lacks: window/location, document (only the
// page's <script id=…> data blocks and DOMContentLoaded), localStorage/sessionStorage,
// XMLHttpRequest (on top of fetch), navigator. Unhandled errors are recorded, as a browser
// console would show them, instead of ending the process.
//
// input.json: {"runtime": "1.4", "culture": "en-US", "shortDatePattern": "M/d/yyyy",
//              "workbook": "Book1.xlsx", "localStorage": {...},
//              "calls": [{"function": "CS.DAYS", "args": [[[1]], [[2]]], "address": "Sheet1!C2"}]}
// output.json: what was loaded, what was associated, and per call {value} or {error}, ms.

import fs from "node:fs";
import { register } from "node:module";
import { MessageChannel } from "node:worker_threads";
import { webcrypto } from "node:crypto";
import vm from "node:vm";

const [manifestUrl, inputPath, outputPath] = process.argv.slice(2);
if (!manifestUrl || !inputPath || !outputPath) {
  console.error("usage: node officejs_harness.mjs <manifest URL> <input.json> <output.json>");
  process.exit(2);
}
const input = JSON.parse(fs.readFileSync(inputPath, "utf8"));
const DEADLINE_MS = input.deadlineMs ?? 45000;
const out = {
  node: process.version,
  manifest: manifestUrl,
  runtimePage: null,
  functionsScript: null,
  namespace: null,
  scripts: [], // page scripts run, in order
  skipped: [], // page scripts not run, with the reason
  modules: [], // every ES module fetched (http-loader.mjs)
  associated: [],
  pageErrors: [],
  consoleErrors: [],
  results: [],
};
const write = () => fs.writeFileSync(outputPath, JSON.stringify(out));
const deadline = setTimeout(() => {
  out.pageErrors.push(`harness deadline of ${DEADLINE_MS} ms exceeded`);
  write();
  process.exit(3);
}, DEADLINE_MS);
deadline.unref();

// -- ES modules from http URLs ------------------------------------------------------------
const channel = new MessageChannel();
channel.port1.on("message", (url) => out.modules.push(url));
channel.port1.unref();
register("./http-loader.mjs", import.meta.url, {
  data: { port: channel.port2 },
  transferList: [channel.port2],
});

// -- what a browser page has and Node lacks ---------------------------------------------------
class MemoryStorage {
  #items = new Map();
  get length() { return this.#items.size; }
  key(i) { return [...this.#items.keys()][i] ?? null; }
  getItem(k) { return this.#items.has(String(k)) ? this.#items.get(String(k)) : null; }
  setItem(k, v) { this.#items.set(String(k), String(v)); }
  removeItem(k) { this.#items.delete(String(k)); }
  clear() { this.#items.clear(); }
}

// XMLHttpRequest (xlwings' utils.js uses it for every request) on top of Node's fetch.
class XMLHttpRequest {
  constructor() {
    this.readyState = 0;
    this.status = 0;
    this.statusText = "";
    this.responseText = "";
    this.timeout = 0;
    this.onload = this.onerror = this.ontimeout = this.onabort = null;
    this._headers = {};
    this._response = null;
    this._controller = null;
  }
  open(method, url) {
    this._method = method;
    this._url = new URL(url, globalThis.location.href).href;
    this.readyState = 1;
  }
  setRequestHeader(name, value) { this._headers[name] = String(value); }
  getResponseHeader(name) { return this._response ? this._response.headers.get(name) : null; }
  abort() { this._controller?.abort(); }
  send(body) {
    const controller = (this._controller = new AbortController());
    let timedOut = false;
    const timer = this.timeout > 0
      ? setTimeout(() => { timedOut = true; controller.abort(); }, this.timeout)
      : null;
    fetch(this._url, {
      method: this._method,
      headers: this._headers,
      body: body ?? undefined,
      signal: controller.signal,
    }).then(async (response) => {
      this._response = response;
      this.status = response.status;
      this.statusText = response.statusText;
      this.responseText = await response.text();
      this.readyState = 4;
      clearTimeout(timer);
      this.onload?.();
    }, () => {
      clearTimeout(timer);
      this.readyState = 4;
      if (timedOut) this.ontimeout?.();
      else if (controller.signal.aborted) this.onabort?.();
      else this.onerror?.();
    });
  }
}

const domListeners = {};
function installBrowserGlobals(pageUrl, pageHtml) {
  const dataBlocks = new Map();
  for (const m of pageHtml.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    const id = /\bid="([^"]*)"/i.exec(m[1]);
    if (id) dataBlocks.set(id[1], m[2]);
  }
  // defineProperty: newer Node versions have some of these (navigator, localStorage) as
  // accessors on globalThis; the page gets the browser's versions.
  const define = (name, value) =>
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true });
  define("window", globalThis);
  define("self", globalThis);
  define("location", new URL(pageUrl));
  define("localStorage", new MemoryStorage());
  define("sessionStorage", new MemoryStorage());
  for (const [k, v] of Object.entries(input.localStorage ?? {})) localStorage.setItem(k, v);
  define("XMLHttpRequest", XMLHttpRequest);
  if (!globalThis.crypto) define("crypto", webcrypto); // Node 18
  if (!globalThis.navigator) define("navigator", { userAgent: `Node.js/${process.version}` });
  define("document", {
    readyState: "loading",
    getElementById: (id) => (dataBlocks.has(id) ? { id, textContent: dataBlocks.get(id) } : null),
    querySelector: () => null,
    querySelectorAll: () => [],
    addEventListener: (type, fn) => (domListeners[type] ??= []).push(fn),
    removeEventListener: () => {},
  });
}

// -- the Office.js host: Office, Excel, CustomFunctions ---------------------------------------
const associated = new Map();
let officeReady;
const officeReadyPromise = new Promise((resolve) => (officeReady = resolve));
const supportedSets = {
  customfunctionsruntime: input.runtime ?? "1.4",
  excelapi: "1.17",
  sharedruntime: "1.1",
};
const versionTuple = (v) => String(v).split(".").map(Number);
function versionAtMost(v, max) {
  const [a, b] = [versionTuple(v), versionTuple(max)];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) < (b[i] ?? 0);
  }
  return true;
}
function installOfficeStubs() {
  const info = { host: "Excel", platform: "OfficeOnline" };
  globalThis.Office = {
    HostType: { Excel: "Excel" },
    context: {
      requirements: {
        isSetSupported(name, version = "1.1") {
          const max = supportedSets[String(name).toLowerCase()];
          return max !== undefined && versionAtMost(version, max);
        },
      },
    },
    onReady(callback) {
      return officeReadyPromise.then(async () => {
        if (callback) await callback(info);
        return info;
      });
    },
    actions: { associate() {} },
  };

  class RequestContext {
    constructor() {
      const loadable = (obj) => Object.assign(obj, { load() { return obj; } });
      this.workbook = loadable({ name: input.workbook ?? "Book1.xlsx" });
      this.application = {
        cultureInfo: loadable({
          name: input.culture ?? "en-US",
          datetimeFormat: loadable({ shortDatePattern: input.shortDatePattern ?? "M/d/yyyy" }),
        }),
      };
    }
    async sync() {}
  }
  globalThis.Excel = {
    RequestContext,
    async run(...args) {
      const batch = args.find((a) => typeof a === "function");
      return batch(new RequestContext());
    },
  };

  class CustomFunctionsError extends Error {
    constructor(code, message) {
      super(message ?? "");
      this.name = "CustomFunctions.Error";
      this.code = code;
    }
  }
  globalThis.CustomFunctions = {
    associate(id, fn) {
      const pairs = typeof id === "string" ? [[id, fn]] : Object.entries(id);
      for (const [k, f] of pairs) {
        associated.set(k.toUpperCase(), f);
      }
    },
    Error: CustomFunctionsError,
    ErrorCode: {
      invalidValue: "#VALUE!", notAvailable: "#N/A", divisionByZero: "#DIV/0!",
      invalidNumber: "#NUM!", nullReference: "#NULL!", invalidName: "#NAME?",
      invalidReference: "#REF!",
    },
  };
}

// Browser consoles show uncaught errors; they do not end the page.
process.on("unhandledRejection", (e) => out.pageErrors.push(`unhandled rejection: ${e?.stack ?? e}`));
process.on("uncaughtException", (e) => out.pageErrors.push(`uncaught: ${e?.stack ?? e}`));
const consoleError = console.error.bind(console);
console.error = (...a) => {
  out.consoleErrors.push(a.map(String).join(" "));
  consoleError(...a);
};

// -- load what Excel loads ---------------------------------------------------------------------
async function get(url) {
  const response = await fetch(url, { signal: AbortSignal.timeout(15000) });
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  return response.text();
}

function manifestResource(xml, id) {
  const m = new RegExp(`<bt:(?:Url|String) id="${id.replace(".", "\\.")}" DefaultValue="([^"]*)"`).exec(xml);
  return m ? m[1] : null;
}

// The page's scripts the custom functions depend on (their URL paths end so); the rest of the
// page is task-pane UI (htmx, Bootstrap, Alpine, ribbon, reload helpers) or office.js itself.
const NEEDED = [/\/js\/config\.js$/, /\/js\/custom-scripts\/index\.js$/, /\/js\/auth\.js$/];

async function loadRuntime() {
  const manifest = await get(manifestUrl);
  const pageUrl = manifestResource(manifest, "Taskpane.Url");
  const functionsUrl = manifestResource(manifest, "Functions.Script.Url");
  const metaUrl = manifestResource(manifest, "Functions.Metadata.Url");
  out.namespace = manifestResource(manifest, "Functions.Namespace");
  out.runtimePage = pageUrl;
  out.functionsScript = functionsUrl;
  if (!pageUrl || !functionsUrl || !metaUrl) {
    throw new Error("manifest lacks Taskpane.Url, Functions.Script.Url or Functions.Metadata.Url");
  }
  if (!/<Runtime resid="Taskpane\.Url"/.test(manifest)) {
    throw new Error("manifest does not declare the shared runtime on Taskpane.Url");
  }
  const page = await get(pageUrl);
  installBrowserGlobals(pageUrl, page);
  installOfficeStubs();

  const deferred = [];
  const run = async (s) => {
    if (s.module) {
      await import(s.url);
    } else {
      vm.runInThisContext(await get(s.url), { filename: s.url });
    }
    out.scripts.push(`${s.module ? "module" : s.defer ? "defer" : "classic"} ${s.url}`);
  };
  let sawFunctionsScript = false;
  for (const m of page.matchAll(/<script\b([^>]*)>/gi)) {
    const attrs = m[1];
    const src = /\bsrc="([^"]*)"/i.exec(attrs);
    if (!src) continue;
    const url = new URL(src[1], pageUrl).href;
    const s = { url, module: /\btype="module"/i.test(attrs), defer: /\bdefer\b/i.test(attrs) };
    const isFunctions = new URL(url).pathname === new URL(functionsUrl).pathname;
    sawFunctionsScript ||= isFunctions;
    if (!isFunctions && !NEEDED.some((re) => re.test(new URL(url).pathname))) {
      out.skipped.push(/office\.js$/i.test(url) ? `${url} (office.js: stubbed)` : url);
      continue;
    }
    // Classic scripts run as they are parsed; module and defer scripts after parsing,
    // in document order (HTML: "list of scripts that will execute when parsing finishes").
    if (s.module || s.defer) deferred.push(s);
    else await run(s);
  }
  if (!sawFunctionsScript) {
    throw new Error(`the runtime page does not load ${functionsUrl}`);
  }
  for (const pattern of NEEDED) {
    if (![...out.scripts, ...deferred.map((s) => s.url)].some((u) => pattern.test(u.split(" ").pop()))) {
      throw new Error(`the runtime page has no script matching ${pattern}`);
    }
  }
  for (const s of deferred) await run(s);
  // DOMContentLoaded fires after the deferred scripts; Office.js gets ready on its own
  // (xlwings' init() waits for it), so neither waits for the other.
  document.readyState = "interactive";
  const listeners = (domListeners.DOMContentLoaded ?? []).map((fn) => fn({ type: "DOMContentLoaded" }));
  officeReady();
  await Office.onReady();
  await Promise.all(listeners);
  document.readyState = "complete";

  const meta = JSON.parse(await get(metaUrl));
  out.associated = [...associated.keys()];
  return meta;
}

// -- call as Excel does ---------------------------------------------------------------------------
async function callAll(meta) {
  const ns = out.namespace ? `${out.namespace}.` : "";
  const byName = new Map(meta.functions.map((f) => [`${ns}${f.name}`.toUpperCase(), f]));
  for (const call of input.calls ?? []) {
    const f = byName.get(call.function.toUpperCase());
    const fn = f && associated.get(f.id.toUpperCase());
    if (!fn) {
      out.results.push({ error: { name: "NotFound", message: `${call.function} is not associated` } });
      continue;
    }
    const args = [...call.args];
    while (args.length < f.parameters.length) args.push(null); // omitted optional arguments
    const address = call.address ?? "Sheet1!A1";
    const invocation = {
      address,
      functionName: call.function,
      parameterAddresses: f.parameters.map(() => address),
      setResult() {},
    };
    const started = performance.now();
    try {
      const value = await fn(...args, invocation);
      out.results.push({ value, ms: performance.now() - started });
    } catch (e) {
      out.results.push({
        error: { name: e?.name ?? "Error", code: e?.code ?? null, message: e?.message ?? String(e) },
        ms: performance.now() - started,
      });
    }
  }
}

try {
  const meta = await loadRuntime();
  await callAll(meta);
  write();
  process.exit(0);
} catch (e) {
  out.pageErrors.push(`harness: ${e?.stack ?? e}`);
  write();
  process.exit(1);
}
