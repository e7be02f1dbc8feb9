// Opens Cadence's GraphiQL page in headless Chromium (Debian's /usr/bin/chromium, or
// $CHROMIUM), offline: every request to a host other than 127.0.0.1 is blocked and
// recorded, and host names do not resolve. Prints one JSON line a stage:
//   answered   { query, headers, response }: the page's query ran, `expected` showed
//   subscribed {}: a subscription was sent over the page's WebSocket
//   event      { response }: an event showed (the Rust test logs meetings meanwhile)
//   done       { offsite: [urls], violations, errors, stored: [keys holding a token] }:
//              after opening a dialog
//   failed     { error, offsite, violations, errors }, and exit status 1
// The Rust test judges them: tests/api/explorer.rs.
//
//   node tests/js/explorer.mjs http://127.0.0.1:PORT/graphql 'expected text'
import { chromium } from 'playwright-core';

const [url, expected] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const DEADLINE = 30_000;
const SUBSCRIPTION = 'subscription { meetingChanged { id } }';

const say = (line) => console.log(JSON.stringify(line));
const within = (promise, message) =>
  Promise.race([
    promise,
    new Promise((_, reject) => setTimeout(() => reject(new Error(message)), DEADLINE)),
  ]);

const offsite = [];
const violations = [];
const errors = [];
const local = (address) => {
  try {
    return new URL(address).hostname === '127.0.0.1';
  } catch {
    return false;
  }
};

const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: [
    // As in CI: no name resolves, so nothing could leave the machine even past the router.
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-domain-reliability',
    '--no-pings',
    // Containers run tests as root, where Chromium's sandbox cannot start.
    '--no-sandbox',
  ],
});
let failed = true;
try {
  const context = await browser.newContext();
  await context.route('**/*', (route) => {
    const address = route.request().url();
    if (local(address)) {
      return route.continue();
    }
    offsite.push(address);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  let sentSubscribe;
  const subscribed = new Promise((resolve) => (sentSubscribe = resolve));
  page.on('websocket', (socket) => {
    if (!local(socket.url())) offsite.push(socket.url());
    socket.on('framesent', (frame) => {
      if (String(frame.payload).includes('"subscribe"')) sentSubscribe();
    });
  });
  page.on('console', (message) => {
    const text = message.text();
    if (/Content[- ]Security[- ]Policy/i.test(text)) violations.push(text);
    else if (message.type() === 'error') errors.push(text);
  });
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(
        `Content-Security-Policy violation: ${event.violatedDirective} ${event.blockedURI}`,
      );
    });
  });

  await page.goto(url, { waitUntil: 'load', timeout: DEADLINE });
  // GraphiQL renders its editors once the schema's introspection answered.
  await page.locator('.graphiql-query-editor .CodeMirror').first().waitFor({ timeout: DEADLINE });
  const editorText = (selector) =>
    page.evaluate((selector) => {
      const editor = document.querySelector(selector);
      return editor && editor.CodeMirror ? editor.CodeMirror.getValue() : null;
    }, selector);
  const query = await editorText('.graphiql-query-editor .CodeMirror');
  const headers = await editorText('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror');

  await page.locator('.graphiql-execute-button').click({ timeout: DEADLINE });
  await page.waitForFunction(
    (expected) => {
      const editor = document.querySelector('.graphiql-response .CodeMirror');
      return editor && editor.CodeMirror && editor.CodeMirror.getValue().includes(expected);
    },
    expected,
    { timeout: DEADLINE },
  );
  const response = await editorText('.graphiql-response .CodeMirror');
  say({ stage: 'answered', query, headers, response });

  // A subscription, over graphql-transport-ws on the same URL.
  await page.evaluate((text) => {
    document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(text);
  }, SUBSCRIPTION);
  // GraphiQL parses the editor's text a moment after it changes and picks the transport
  // from that: a run before sends the subscription over HTTP, which refuses it. Run again
  // until it goes over the WebSocket.
  let sent = false;
  subscribed.then(() => (sent = true));
  const started = Date.now();
  while (!sent) {
    if (Date.now() - started > DEADLINE) throw new Error('the subscription was never sent');
    await page.locator('.graphiql-execute-button').click({ timeout: DEADLINE });
    const refused = page.waitForFunction(
      () => {
        const editor = document.querySelector('.graphiql-response .CodeMirror');
        return editor.CodeMirror.getValue().includes('not supported on this transport');
      },
      null,
      { timeout: DEADLINE },
    );
    refused.catch(() => {}); // left waiting once the subscription went out
    await Promise.race([subscribed, refused]);
  }
  say({ stage: 'subscribed' });
  await page.waitForFunction(
    () => {
      const editor = document.querySelector('.graphiql-response .CodeMirror');
      return editor && editor.CodeMirror && editor.CodeMirror.getValue().includes('"id"');
    },
    null,
    { timeout: DEADLINE },
  );
  say({ stage: 'event', response: await editorText('.graphiql-response .CodeMirror') });

  // A dialog, whose scroll lock inserts a <style> element (see the policy's style-src).
  await page.locator('button[aria-label="Open settings dialog"]').click({ timeout: DEADLINE });
  await page.getByRole('dialog').waitFor({ timeout: DEADLINE });
  await page.keyboard.press('Escape');
  await page.getByRole('dialog').waitFor({ state: 'detached', timeout: DEADLINE });
  // The token stays out of the browser's storage.
  const stored = await page.evaluate(() =>
    Object.keys(localStorage).filter((key) => localStorage.getItem(key).includes('Bearer')),
  );
  say({ stage: 'done', offsite, violations, errors, stored });
  failed = false;
} catch (error) {
  say({ stage: 'failed', error: String(error), offsite, violations, errors });
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
