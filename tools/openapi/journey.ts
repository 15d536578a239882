/**
 * A resident's, a venue manager's and a desk's journeys, written against the TypeScript
 * client generated from /api/schema/ (openapi-typescript + openapi-fetch), as the council's app
 * team would write them. `make check` regenerates the client and typechecks this file with
 * `tsc --strict`: a schema change that would break the app (a field renamed, made optional,
 * a code or header no longer declared) fails the check here first.
 *
 * It is typechecked, not run: the suite's own tests drive the same journeys over HTTP.
 */
import createClient from "openapi-fetch";

import type { components, paths } from "./generated/schema";

type Schemas = components["schemas"];
type TokenPair = Schemas["TokenPair"];

const api = createClient<paths>({ baseUrl: "https://checkins.example.gov.uk" });

function bearer(access: string): { headers: { Authorization: string } } {
  return { headers: { Authorization: `Bearer ${access}` } };
}

/** Sign in; the refresh token is kept by the app (the keychain, not localStorage). */
export async function signIn(email: string, password: string): Promise<TokenPair> {
  const { data, error } = await api.POST("/api/v1/auth/token/", { body: { email, password } });
  if (error) {
    // The codes this operation can answer are a closed set.
    const code: "invalid" | "invalid_credentials" | "throttled" | string = error.code;
    throw new Error(`${code}: ${error.detail}`);
  }
  return data;
}

/**
 * Refresh, retried once when the answer is lost (a train's tunnel): within the grace the
 * server answers the same pair again. `token_reused` or `not_authenticated`: sign in again.
 */
export async function refresh(token: string): Promise<TokenPair | "sign in again"> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const { data, error } = await api.POST("/api/v1/auth/token/refresh/", {
        body: { refresh: token },
      });
      if (data) return data;
      if (error.code === "token_reused" || error.code === "not_authenticated") {
        return "sign in again";
      }
      throw new Error(error.detail);
    } catch (lost) {
      if (attempt === 1) throw lost;
    }
  }
  return "sign in again";
}

/** The resident: near venues, a poster's venue, a check-in and what it earned. */
export async function residentJourney(tokens: TokenPair): Promise<string[]> {
  const said: string[] = [];
  const me = await api.GET("/api/v1/me/", bearer(tokens.access));
  if (me.error) {
    // An expired access token is told apart: refresh and retry.
    if (me.error.code === "token_expired") said.push("refresh and retry");
    return said;
  }
  const schemes: string[] = me.data.balances.map((balance) => balance.scheme); // UUIDs
  said.push(`${me.data.points_balance} points in ${schemes.length} schemes`);

  const near = await api.GET("/api/v1/venues/", {
    params: { query: { near: "53.7997,-1.5492", radius: 2000, page_size: 5 } },
  });
  if (near.data) {
    for (const venue of near.data.results) {
      const metres: number | null | undefined = venue.distance_m;
      said.push(`${venue.name}: ${metres ?? "?"} m`);
    }
  }

  const poster = await api.GET("/api/v1/qr/{token}/", {
    params: { path: { token: "u2FWP0e9UeOnKvgVrYpTal6jL2AkTbcovMEFBKCYSWn0sJSjJ0dx5" } },
  });
  if (poster.error) {
    const code: "invalid_qr" | "revoked_qr" | string = poster.error.code;
    said.push(code);
    return said;
  }

  const checkin = await api.POST("/api/v1/checkins/", {
    ...bearer(tokens.access),
    params: { header: { "Idempotency-Key": crypto.randomUUID() } },
    body: { venue: poster.data.venue.id, latitude: 53.8, longitude: -1.549, accuracy_m: 12 },
  });
  if (checkin.error) {
    const refused = checkin.error;
    if (refused.code === "cooldown") said.push(`again in ${refused.retry_after ?? 0} s`);
    else if (refused.code === "outside_geofence") said.push(`${refused.distance_m ?? 0} m away`);
    else said.push(refused.detail);
    // Rate limits are declared headers: an app can slow down before it is refused.
    const left = checkin.response.headers.get("RateLimit-Remaining");
    if (left !== null) said.push(`${left} requests left`);
    return said;
  }
  const stamp: string = checkin.data.created_at; // whole seconds, Z: "2026-12-06T14:40:21Z"
  said.push(`checked in at ${new Date(stamp).toISOString()}`);
  for (const reward of checkin.data.rewards) {
    said.push(reward.kind === "points" ? `${reward.points ?? 0} points` : `voucher ${reward.voucher}`);
  }

  const vouchers = await api.GET("/api/v1/me/vouchers/", bearer(tokens.access));
  for (const voucher of vouchers.data?.results ?? []) {
    const status: "issued" | "redeemed" | "expired" | "void" = voucher.status;
    said.push(`${voucher.title}: ${status}`);
  }

  const statement = await api.GET("/api/v1/me/ledger/", {
    ...bearer(tokens.access),
    params: { query: { scheme: schemes[0] } },
  });
  said.push(`${statement.data?.count ?? 0} lines in the first scheme's statement`);

  const personal = await api.GET("/api/v1/me/export/", bearer(tokens.access));
  if (personal.data) said.push(`export for ${personal.data.account.email}`);
  return said;
}

/** A venue manager: a poster with its printed code, the visits, the figures. */
export async function managerJourney(tokens: TokenPair, venue: string): Promise<string[]> {
  const said: string[] = [];
  const made = await api.POST("/api/v1/venues/{venue_id}/posters/", {
    ...bearer(tokens.access),
    params: { path: { venue_id: venue } },
    body: { label: "Main entrance" },
  });
  if (made.data) said.push(`print ${made.data.url} with the code ${made.data.code}`);

  const visits = await api.GET("/api/v1/venues/{venue_id}/checkins/", {
    ...bearer(tokens.access),
    params: { path: { venue_id: venue } },
  });
  said.push(`${visits.data?.count ?? 0} visits`);

  const stats = await api.GET("/api/v1/venues/{venue_id}/stats/", {
    ...bearer(tokens.access),
    params: { path: { venue_id: venue }, query: { from: "2026-11-01", to: "2026-11-30" } },
  });
  if (stats.data && typeof stats.data !== "string") {
    // The same operation answers CSV (`?format=csv`): the JSON one is the object.
    said.push(`${stats.data.checkins} check-ins, ${stats.data.unique_visitors} people`);
  }
  return said;
}

/** The desk: redeem a voucher's code as typed or scanned. The key is made once per press, so
 * a retry after a lost answer replays the 200 instead of "already redeemed". */
export async function deskJourney(tokens: TokenPair, code: string): Promise<string> {
  const { data, error, response } = await api.POST("/api/v1/vouchers/redeem/", {
    ...bearer(tokens.access),
    params: { header: { "Idempotency-Key": crypto.randomUUID() } },
    body: { code },
  });
  if (error) {
    if (response.status === 429) return `wait ${response.headers.get("Retry-After")} s`;
    return `${error.code}: ${error.detail}`;
  }
  return `${data.title} redeemed at ${data.redeemed_at ?? "now"}`;
}
