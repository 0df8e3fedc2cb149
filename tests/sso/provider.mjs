// A real OpenID Connect provider for the tests (node's oidc-provider, certified), on the
// loopback. Run: node provider.mjs CONFIG.json; it prints "ready" once it listens.
//
// CONFIG: {"port", "accounts": path of a JSON file {id: {email, email_verified, name, amr,
// disabled}} read at every lookup (a test disables an account by rewriting it), "client":
// oidc-provider client metadata}.
//
// The sign-in page is a plain form (the account's id, nothing else). POST /_test/misbehave
// {"mode"} makes the token endpoint hand out ID tokens that a relying party must refuse:
// "issuer" (another issuer), "audience" (for another client), "expired", "nonce" (another
// nonce); {"mode": ""} ends it. They are signed with the provider's own key, so only the
// claims are wrong.
import fs from 'node:fs';
import http from 'node:http';
import { URL } from 'node:url';

import * as jose from 'jose';
import Provider from 'oidc-provider';

const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const issuer = `http://127.0.0.1:${config.port}`;
const accounts = () => JSON.parse(fs.readFileSync(config.accounts, 'utf8'));

const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
const signingKey = { ...(await jose.exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
let misbehave = '';

const provider = new Provider(issuer, {
  clients: [config.client],
  jwks: { keys: [signingKey] },
  cookies: { keys: ['parcours-test-provider'] },
  // amr and acr in every ID token, as Microsoft Entra ID and Keycloak send them.
  claims: {
    openid: ['sub', 'amr', 'acr'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  features: {
    devInteractions: { enabled: false },
    backchannelLogout: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  pkce: { required: () => true },
  async findAccount(ctx, id) {
    const account = accounts()[id];
    if (!account || account.disabled) return undefined;
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          email: account.email,
          email_verified: account.email_verified ?? true,
          name: account.name,
        };
      },
    };
  },
  async loadExistingGrant(ctx) {
    // Consent is the organisation's, given once for its staff: no consent page.
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile offline_access');
    await grant.save();
    return grant;
  },
  async issueRefreshToken(ctx, client) {
    return client.grantTypeAllowed('refresh_token');
  },
});

const page = (body) =>
  `<!doctype html><html><head><title>Test provider</title></head><body>${body}</body></html>`;

async function readBody(req) {
  let data = '';
  for await (const chunk of req) data += chunk;
  return data;
}

async function interaction(req, res, url) {
  const uid = url.pathname.split('/')[2];
  if (req.method === 'GET') {
    await provider.interactionDetails(req, res);
    res.setHeader('Content-Type', 'text/html');
    res.end(
      page(`<h1>Organisation sign-in</h1><form method="post" action="/interaction/${uid}">
        <label for="login">Account</label><input id="login" name="login" autofocus>
        <button type="submit">Continue</button></form>`),
    );
    return;
  }
  const form = new URLSearchParams(await readBody(req));
  const id = form.get('login') || '';
  const account = accounts()[id];
  if (!account || account.disabled) {
    res.statusCode = 400;
    res.setHeader('Content-Type', 'text/html');
    res.end(page('<h1>Unknown account</h1>'));
    return;
  }
  await provider.interactionFinished(
    req,
    res,
    { login: { accountId: id, amr: account.amr || ['pwd'], acr: account.acr } },
    { mergeWithLastSubmission: false },
  );
}

// The token endpoint's answer, with its ID token's claims made wrong when asked to.
function tamper(res) {
  const write = res.end.bind(res);
  res.end = (chunk, ...rest) => {
    if (!misbehave || !chunk) return write(chunk, ...rest);
    const body = JSON.parse(chunk.toString());
    if (!body.id_token) return write(chunk, ...rest);
    const claims = jose.decodeJwt(body.id_token);
    const now = Math.floor(Date.now() / 1000);
    if (misbehave === 'issuer') claims.iss = 'http://127.0.0.1:1/another-issuer';
    if (misbehave === 'audience') claims.aud = 'another-client';
    if (misbehave === 'expired') Object.assign(claims, { iat: now - 7200, exp: now - 3600 });
    if (misbehave === 'nonce') claims.nonce = 'a-nonce-nobody-sent';
    jose
      .importJWK(signingKey, 'RS256')
      .then((key) =>
        new jose.SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'test-key' }).sign(key),
      )
      .then((token) => {
        body.id_token = token;
        const text = JSON.stringify(body);
        res.setHeader('Content-Length', Buffer.byteLength(text));
        write(text, ...rest);
      });
    return res;
  };
}

const callback = provider.callback();
const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, issuer);
  try {
    if (url.pathname === '/_test/misbehave' && req.method === 'POST') {
      misbehave = JSON.parse(await readBody(req)).mode || '';
      res.end('ok');
      return;
    }
    if (url.pathname.startsWith('/interaction/')) {
      await interaction(req, res, url);
      return;
    }
    if (url.pathname === '/token' && misbehave) tamper(res);
    callback(req, res);
  } catch (error) {
    res.statusCode = 500;
    res.end(String(error));
  }
});
server.listen(config.port, '127.0.0.1', () => console.log('ready'));
