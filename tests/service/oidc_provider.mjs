// A real OpenID Connect provider for the sign-in tests: panva's `oidc-provider` (npm), the
// certified implementation, on 127.0.0.1. It signs real ID tokens with an RSA key made at
// start and publishes it at its JWKS endpoint; it requires PKCE of the client.
//
// Configured by the environment variable OIDC_TEST_CONFIG (JSON):
//   {"port": 0-65535, "client_id": "...", "client_secret": "...", "redirect_uri": "...",
//    "accounts": {"<login>": {<claims>}}}   (a login not listed gets email = login, verified)
// Prints "ready <issuer>" once it listens.
//
// The only test-only parts: a plain sign-in page of our own (the library's development
// pages load a font from another host, which the tests forbid), consent given at once, and
// POST /test-mode?mode=wrong-audience|expired|bad-signature, which makes the next ID token
// the token endpoint returns have another audience, be out of date, or be signed with a key
// the provider does not publish: what an attacker or a broken provider would send.
import { parse } from "node:querystring";

import { SignJWT, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair } from "jose";
import Provider from "oidc-provider";

const config = JSON.parse(process.env.OIDC_TEST_CONFIG);
const issuer = `http://127.0.0.1:${config.port}`;
const KID = "academy-test-key";

const { privateKey } = await generateKeyPair("RS256", { extractable: true });
const { privateKey: strangerKey } = await generateKeyPair("RS256", { extractable: true });
const signingJwk = { ...(await exportJWK(privateKey)), kid: KID, alg: "RS256", use: "sig" };

let tamper = null;

function claimsFor(login) {
  const listed = (config.accounts || {})[login];
  return listed || { email: login, email_verified: true };
}

const provider = new Provider(issuer, {
  clients: [{
    client_id: config.client_id,
    client_secret: config.client_secret,
    redirect_uris: [config.redirect_uri],
    token_endpoint_auth_method: "client_secret_post",
    grant_types: ["authorization_code"],
    response_types: ["code"],
  }],
  jwks: { keys: [signingJwk] },
  pkce: { required: () => true },
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["name", "given_name", "family_name", "department"],
  },
  async findAccount(ctx, id) {
    return { accountId: id, async claims() { return { sub: id, ...claimsFor(id) }; } };
  },
  async loadExistingGrant(ctx) {
    // Consent is given at once: the council has approved the academy for its staff.
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope("openid email profile");
    await grant.save();
    return grant;
  },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: ["academy-test-cookie-key"] },
});

function readBody(req) {
  return new Promise((resolve, reject) => {
    let data = "";
    req.on("data", (chunk) => { data += chunk; });
    req.on("end", () => resolve(parse(data)));
    req.on("error", reject);
  });
}

const escape = (s) => String(s).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

provider.use(async (ctx, next) => {
  if (ctx.path === "/test-mode" && ctx.method === "POST") {
    tamper = ctx.query.mode || null;
    ctx.status = 204;
    return;
  }
  const interaction = ctx.path.match(/^\/interaction\/([\w-]+)$/);
  if (interaction && ctx.method === "GET") {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    ctx.type = "html";
    ctx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Test identity provider</title></head><body><main><h1>Test identity provider</h1>
<form method="post" action="/interaction/${escape(details.uid)}">
<label for="login">Email address</label> <input id="login" name="login" type="email" required>
<button type="submit">Sign in</button></form></main></body></html>`;
    return;
  }
  if (interaction && ctx.method === "POST") {
    const body = await readBody(ctx.req);
    const redirectTo = await provider.interactionResult(ctx.req, ctx.res, {
      login: { accountId: body.login },
    }, { mergeWithLastSubmission: false });
    ctx.redirect(redirectTo);
    return;
  }
  await next();
  if (tamper && ctx.path === "/token" && ctx.status === 200 && ctx.body && ctx.body.id_token) {
    const payload = decodeJwt(ctx.body.id_token);
    const header = decodeProtectedHeader(ctx.body.id_token);
    const now = Math.floor(Date.now() / 1000);
    if (tamper === "wrong-audience") payload.aud = "someone-else";
    if (tamper === "expired") Object.assign(payload, { iat: now - 7200, exp: now - 3600 });
    const key = tamper === "bad-signature" ? strangerKey : privateKey;
    ctx.body = { ...ctx.body, id_token: await new SignJWT(payload).setProtectedHeader(header).sign(key) };
    tamper = null;
  }
});

provider.listen(config.port, "127.0.0.1", () => {
  process.stdout.write(`ready ${issuer}\n`);
});
