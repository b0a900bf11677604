// A real OpenID Connect provider (panva's oidc-provider) that stands in for ProConnect in the tests.
//
//   node tests/oidc/provider.mjs CONFIG.json
//
// CONFIG.json: {"port", "client_id", "client_secret", "redirect_uris", "post_logout_redirect_uris",
//               "accounts": {"<sub>": {"email", "given_name", "usual_name", "siret", "uid"}}}
// It serves ProConnect's routes (/authorize, /token, /userinfo, /jwks, /session/end) on 127.0.0.1, signs
// ID tokens and userinfo answers with RS256 as ProConnect does, requires PKCE (S256), and prints
// « ready » once it listens. The login page is a form whose « login » field names the account's sub.
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import Provider from "oidc-provider";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const issuer = `http://127.0.0.1:${config.port}`;
const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: "jwk" }), kid: randomUUID(), alg: "RS256", use: "sig" };

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: config.client_id,
      client_secret: config.client_secret,
      redirect_uris: config.redirect_uris,
      post_logout_redirect_uris: config.post_logout_redirect_uris,
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_post",
      id_token_signed_response_alg: "RS256",
      userinfo_signed_response_alg: "RS256",
    },
  ],
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomUUID()] },
  pkce: { required: () => true },
  scopes: ["openid", "email", "given_name", "usual_name", "siret", "uid"],
  claims: {
    openid: ["sub"],
    email: ["email"],
    given_name: ["given_name"],
    usual_name: ["usual_name"],
    siret: ["siret"],
    uid: ["uid"],
  },
  routes: {
    authorization: "/authorize",
    token: "/token",
    userinfo: "/userinfo",
    jwks: "/jwks",
    end_session: "/session/end",
  },
  features: {
    devInteractions: { enabled: false },
    userinfo: { enabled: true },
    rpInitiatedLogout: {
      enabled: true,
      logoutSource: async (ctx, form) => {
        ctx.body = `<!DOCTYPE html><title>Déconnexion</title>${form}<button form="op.logoutForm" name="logout" value="yes">Se déconnecter</button>`;
      },
    },
  },
  ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 3600, Interaction: 600, Session: 3600, Grant: 3600 },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, sub) {
    const account = config.accounts[sub];
    if (!account) return undefined;
    return { accountId: sub, claims: async () => ({ sub, ...account }) };
  },
});

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

provider.use(async (ctx, next) => {
  const match = ctx.path.match(/^\/interaction\/([\w-]+)(\/login)?$/);
  if (!match) return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (ctx.method === "GET" && !match[2]) {
    ctx.type = "html";
    ctx.body = `<!DOCTYPE html><title>ProConnect (test)</title>
      <form method="post" action="/interaction/${details.uid}/login">
      <label>Identifiant <input name="login"></label><button>Se connecter</button></form>`;
    return;
  }
  if (ctx.method === "POST" && match[2]) {
    const form = await readForm(ctx.req);
    const accountId = form.get("login");
    if (!config.accounts[accountId]) {
      ctx.status = 400;
      ctx.body = "compte inconnu";
      return;
    }
    const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
    grant.addOIDCScope(details.params.scope);
    const grantId = await grant.save();
    const redirectTo = await provider.interactionResult(
      ctx.req, ctx.res, { login: { accountId }, consent: { grantId } }, { mergeWithLastSubmission: false },
    );
    ctx.status = 303;
    ctx.redirect(redirectTo);
    return;
  }
  ctx.status = 405;
});

provider.listen(config.port, "127.0.0.1", () => {
  console.log("ready");
});
