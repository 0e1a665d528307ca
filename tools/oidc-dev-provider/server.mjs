// A real OpenID Connect provider (node-oidc-provider, OpenID-certified) standing in for the
// national single sign-on (VNeID) in development and tests. DEVELOPMENT ONLY: in-memory
// storage, an ephemeral signing key, demo accounts with known passwords.
//
// Configuration (environment):
//   OIDC_DEV_PORT           port on 127.0.0.1 (0 or unset: a free port)
//   OIDC_DEV_CLIENT_ID      client id (default "chinhquyen-dev")
//   OIDC_DEV_CLIENT_SECRET  client secret (default "chinhquyen-dev-secret")
//   OIDC_DEV_REDIRECT_URIS  comma-separated redirect URIs
//                           (default http://127.0.0.1:8000/cong-dan/oidc/callback/)
//   OIDC_DEV_USERS          path of a JSON file replacing the demo accounts (see USERS below)
//   OIDC_DEV_ID_TOKEN_TTL   ID token lifetime in seconds (default 600)
// On start it prints one line of JSON: {"issuer": "http://127.0.0.1:<port>"}.
import { readFileSync } from 'node:fs';
import http from 'node:http';

import Provider from 'oidc-provider';

const USERS = {
  // login (the personal identification number, as on VNeID) -> account
  '001090012345': {
    password: 'matkhau-dev',
    sub: 'vneid-0f3b9c2e-0001',
    claims: {
      name: 'Ngô Thị Chi',
      birthdate: '1990-05-17',
      phone_number: '0912345678',
      email: 'chi.ngo@example.vn',
      citizen_id: '001090012345',
    },
  },
  '008085000111': {
    password: 'matkhau-dev',
    sub: 'vneid-0f3b9c2e-0002',
    claims: {
      name: 'Trần Văn Dũng',
      birthdate: '1985-11-02',
      phone_number: '+84 987 654 321',
      email: 'dung.tran@example.vn',
      citizen_id: '008085000111',
    },
  },
};

const env = process.env;
const users = env.OIDC_DEV_USERS ? JSON.parse(readFileSync(env.OIDC_DEV_USERS, 'utf8')) : USERS;
const bySub = new Map(Object.values(users).map((user) => [user.sub, user]));

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title, body) {
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)} — Dev SSO</title></head><body><main>
<p><strong>Development sign-in service — not the real national SSO</strong></p>
<h1>${escape(title)}</h1>${body}</main></body></html>`;
}

function readForm(req) {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => {
      data += chunk;
      if (data.length > 10000) reject(new Error('body too large'));
    });
    req.on('end', () => resolve(new URLSearchParams(data)));
    req.on('error', reject);
  });
}

async function interactions(provider, req, res) {
  const url = new URL(req.url, 'http://localhost');
  const [, , uid, action] = url.pathname.split('/');
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) {
    res.writeHead(400).end('interaction mismatch');
    return;
  }
  const { prompt, params } = details;
  if (req.method === 'GET' && !action) {
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    if (prompt.name === 'login') {
      res.end(page('Đăng nhập / Sign in', `
<form method="post" action="/interaction/${uid}/login">
<p><label for="login">Số định danh / ID number</label>
<input id="login" name="login" autocomplete="username" required></p>
<p><label for="password">Mật khẩu / Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required></p>
<p><button type="submit">Đăng nhập / Sign in</button></p></form>
<p><a href="/interaction/${uid}/abort">Hủy / Cancel</a></p>`));
      return;
    }
    res.end(page('Cho phép / Consent', `
<p>${escape(params.client_id)} asks for: ${escape(params.scope)}</p>
<form method="post" action="/interaction/${uid}/confirm">
<button type="submit">Đồng ý / Allow</button></form>
<p><a href="/interaction/${uid}/abort">Hủy / Cancel</a></p>`));
    return;
  }
  if (req.method === 'POST' && action === 'login') {
    const form = await readForm(req);
    const user = users[form.get('login')];
    if (!user || user.password !== form.get('password')) {
      res.writeHead(401, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(page('Đăng nhập / Sign in', `<p role="alert">Sai số định danh hoặc mật khẩu /
Wrong ID number or password.</p><p><a href="/interaction/${uid}">Thử lại / Try again</a></p>`));
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId: user.sub } }, {
      mergeWithLastSubmission: false,
    });
    return;
  }
  if (req.method === 'POST' && action === 'confirm') {
    await readForm(req);
    const { grantId, session } = details;
    const missing = prompt.details;
    const grant = grantId
      ? await provider.Grant.find(grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    const saved = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId: saved } }, {
      mergeWithLastSubmission: true,
    });
    return;
  }
  if (req.method === 'GET' && action === 'abort') {
    await provider.interactionFinished(req, res, {
      error: 'access_denied', error_description: 'End-User aborted interaction',
    }, { mergeWithLastSubmission: false });
    return;
  }
  res.writeHead(404).end('not found');
}

const server = http.createServer();
server.listen(Number(env.OIDC_DEV_PORT || 0), '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: env.OIDC_DEV_CLIENT_ID || 'chinhquyen-dev',
      client_secret: env.OIDC_DEV_CLIENT_SECRET || 'chinhquyen-dev-secret',
      redirect_uris: (env.OIDC_DEV_REDIRECT_URIS
        || 'http://127.0.0.1:8000/cong-dan/oidc/callback/').split(','),
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    claims: {
      openid: ['sub'],
      profile: ['name', 'birthdate', 'citizen_id'],
      email: ['email'],
      phone: ['phone_number'],
    },
    cookies: { keys: ['chinhquyen-dev-only-cookie-key'] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    pkce: { required: () => true },
    ttl: { IdToken: Number(env.OIDC_DEV_ID_TOKEN_TTL || 600) },
    async findAccount(ctx, sub) {
      const user = bySub.get(sub);
      if (!user) return undefined;
      return { accountId: sub, claims: async () => ({ sub, ...user.claims }) };
    },
  });
  const callback = provider.callback();
  server.on('request', (req, res) => {
    if (req.url.startsWith('/interaction/')) {
      interactions(provider, req, res).catch((error) => {
        res.writeHead(400, { 'Content-Type': 'text/plain' });
        res.end(`interaction failed: ${error.message}`);
      });
      return;
    }
    callback(req, res);
  });
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
