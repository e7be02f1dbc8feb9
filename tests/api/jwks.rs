//! Tokens from an identity provider: RS256 and ES256 public keys from a PEM file or a JWKS URL
//! (cached, refreshed on an unknown `kid`, at most once per interval), and the tokens that must
//! be refused whatever they claim: `alg: none`, algorithm confusion, unknown keys.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cadence::auth::jwt::{Claims, JwtKeys};
use cadence::config::AuthSettings;
use chrono::Utc;
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rsa::pkcs8::{DecodePublicKey, EncodePrivateKey, EncodePublicKey, LineEnding};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::db_test;
use crate::support::{Backend, Options, SECRET, TestApp, UPSERT_PEOPLE, person, spawn_app_with};

const ISSUER: &str = "https://idp.example.com/";
const AUDIENCE: &str = "cadence-api";

/// A key pair as an identity provider holds it: signs tokens, publishes its public half.
struct ProviderKey {
    kid: &'static str,
    alg: Algorithm,
    encoding: EncodingKey,
    public_pem: String,
}

impl ProviderKey {
    fn rsa(kid: &'static str, bits: usize) -> Self {
        let private = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), bits).expect("RSA key");
        let private_pem = private.to_pkcs8_pem(LineEnding::LF).expect("PEM");
        Self {
            kid,
            alg: Algorithm::RS256,
            encoding: EncodingKey::from_rsa_pem(private_pem.as_bytes()).expect("RSA encoding key"),
            public_pem: private
                .to_public_key()
                .to_public_key_pem(LineEnding::LF)
                .expect("PEM"),
        }
    }

    fn ec(kid: &'static str) -> Self {
        let private = p256::SecretKey::random(&mut rand::thread_rng());
        let private_pem = private.to_pkcs8_pem(LineEnding::LF).expect("PEM");
        Self {
            kid,
            alg: Algorithm::ES256,
            encoding: EncodingKey::from_ec_pem(private_pem.as_bytes()).expect("EC encoding key"),
            public_pem: private
                .public_key()
                .to_public_key_pem(LineEnding::LF)
                .expect("PEM"),
        }
    }

    /// The public key as a JWKS entry, named by `kid`.
    fn jwk(&self) -> Value {
        let mut jwk = Jwk::from_encoding_key(&self.encoding, self.alg).expect("JWK");
        jwk.common.key_id = Some(self.kid.to_string());
        serde_json::to_value(jwk).unwrap()
    }

    /// Signs `claims` with this key, naming it in the header.
    fn sign(&self, claims: &Value) -> String {
        self.sign_as(Some(self.kid), claims)
    }

    /// Signs `claims` with this key, naming whichever `kid` the caller likes.
    fn sign_as(&self, kid: Option<&str>, claims: &Value) -> String {
        let mut header = Header::new(self.alg);
        header.kid = kid.map(str::to_string);
        jsonwebtoken::encode(&header, claims, &self.encoding).expect("sign")
    }

    /// The public key in a PEM file, as an operator would configure it.
    fn public_pem_file(&self) -> tempfile::NamedTempFile {
        let mut file = tempfile::NamedTempFile::new().expect("temp file");
        file.write_all(self.public_pem.as_bytes()).unwrap();
        file
    }
}

// RSA key generation is slow in debug builds: each key is made once per test run.
static RSA_A: LazyLock<ProviderKey> = LazyLock::new(|| ProviderKey::rsa("rsa-a", 2048));
static RSA_B: LazyLock<ProviderKey> = LazyLock::new(|| ProviderKey::rsa("rsa-b", 2048));
static EC_A: LazyLock<ProviderKey> = LazyLock::new(|| ProviderKey::ec("ec-a"));

fn now() -> i64 {
    Utc::now().timestamp()
}

/// A person's claims as the provider issues them.
fn person_claims(sub: &str) -> Value {
    json!({ "sub": sub, "iat": now(), "exp": now() + 3600, "iss": ISSUER, "aud": AUDIENCE })
}

/// Auth settings for a provider: issuer and audience checked, and `source` choosing the key.
fn provider_auth(source: impl FnOnce(&mut AuthSettings)) -> AuthSettings {
    let mut auth = AuthSettings {
        jwt_issuer: Some(ISSUER.into()),
        jwt_audience: Some(AUDIENCE.into()),
        ..AuthSettings::default()
    };
    source(&mut auth);
    auth
}

/// An app verifying with `auth`, holding the person `ceo`, put there by an integration whose
/// token `signer` signs (the app has no secret to mint one).
async fn app_with_ceo(backend: Backend, auth: AuthSettings, signer: &ProviderKey) -> TestApp {
    let app = spawn_app_with(
        backend,
        Options {
            auth,
            ..Options::default()
        },
    )
    .await;
    let integration = signer.sign(&json!({
        "sub": "idp-sync", "exp": now() + 3600, "iss": ISSUER, "aud": AUDIENCE,
        "roles": ["integration"], "scope": "org:read org:write",
    }));
    app.gql(
        Some(&integration),
        UPSERT_PEOPLE,
        json!({ "people": [person("ceo", "Carla CEO", None)] }),
    )
    .await
    .ok();
    app
}

/// The token is accepted: `viewer` is the person `external_id`.
async fn assert_viewer_is(app: &TestApp, token: &str, external_id: &str) {
    let answer = app
        .gql(Some(token), "{ viewer { externalId } }", json!({}))
        .await
        .ok();
    assert_eq!(answer.data("/viewer/externalId"), external_id);
}

async fn assert_unauthenticated(app: &TestApp, token: &str) {
    app.gql(Some(token), "{ viewer { externalId } }", json!({}))
        .await
        .assert_error_code("UNAUTHENTICATED");
}

/// A token with any header at all, signed (or not) by hand.
fn forge(header: Value, claims: &Value, signature: &str) -> String {
    format!(
        "{}.{}.{signature}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    )
}

/// An HS256 token keyed with `secret`: the algorithm-confusion attack when `secret` is the
/// provider's (public) key.
fn hs256(secret: &[u8], kid: Option<&str>, claims: &Value) -> String {
    let mut header = Header::new(Algorithm::HS256);
    header.kid = kid.map(str::to_string);
    jsonwebtoken::encode(&header, claims, &EncodingKey::from_secret(secret)).expect("sign")
}

/// A tiny identity provider: serves a JWKS whose keys the test swaps, counting requests.
struct JwksServer {
    url: String,
    keys: Arc<Mutex<Vec<Value>>>,
    requests: Arc<AtomicUsize>,
}

impl JwksServer {
    async fn start(keys: Vec<Value>) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!(
            "http://{}/.well-known/jwks.json",
            listener.local_addr().unwrap()
        );
        let keys = Arc::new(Mutex::new(keys));
        let requests = Arc::new(AtomicUsize::new(0));
        let (served, counted) = (keys.clone(), requests.clone());
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let (served, counted) = (served.clone(), counted.clone());
                tokio::spawn(async move {
                    let mut request = Vec::new();
                    let mut buf = [0u8; 1024];
                    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                        match stream.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => request.extend_from_slice(&buf[..n]),
                        }
                    }
                    counted.fetch_add(1, Ordering::SeqCst);
                    let body = json!({ "keys": *served.lock().unwrap() }).to_string();
                    let response = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                         content-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = stream.write_all(response.as_bytes()).await;
                    let _ = stream.shutdown().await;
                });
            }
        });
        Self {
            url,
            keys,
            requests,
        }
    }

    /// From now on the set holds `keys` (a rotation).
    fn serve(&self, keys: Vec<Value>) {
        *self.keys.lock().unwrap() = keys;
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

fn jwks_auth(server: &JwksServer, refresh_interval: Duration) -> AuthSettings {
    provider_auth(|auth| {
        auth.jwks_url = Some(server.url.clone());
        auth.jwks_refresh_interval = refresh_interval;
    })
}

db_test!(rs256_tokens_verify_with_a_pem_public_key);
async fn rs256_tokens_verify_with_a_pem_public_key(backend: Backend) {
    let pem = RSA_A.public_pem_file();
    let auth = provider_auth(|auth| auth.jwt_public_key_file = Some(pem.path().into()));
    let app = app_with_ceo(backend, auth, &RSA_A).await;

    assert_viewer_is(&app, &RSA_A.sign(&person_claims("ceo")), "ceo").await;
    // With no `kid` too: there is only one key.
    assert_viewer_is(&app, &RSA_A.sign_as(None, &person_claims("ceo")), "ceo").await;
    // Issuer and audience are still checked.
    let mut claims = person_claims("ceo");
    claims["iss"] = json!("https://elsewhere.example.com/");
    assert_unauthenticated(&app, &RSA_A.sign(&claims)).await;
    let mut claims = person_claims("ceo");
    claims["aud"] = json!("another-api");
    assert_unauthenticated(&app, &RSA_A.sign(&claims)).await;
    // Another RSA key, or an EC key, is not the provider's.
    assert_unauthenticated(&app, &RSA_B.sign(&person_claims("ceo"))).await;
    assert_unauthenticated(&app, &EC_A.sign(&person_claims("ceo"))).await;
}

db_test!(es256_tokens_verify_with_a_pem_public_key);
async fn es256_tokens_verify_with_a_pem_public_key(backend: Backend) {
    let pem = EC_A.public_pem_file();
    let auth = provider_auth(|auth| auth.jwt_public_key_file = Some(pem.path().into()));
    let app = app_with_ceo(backend, auth, &EC_A).await;

    assert_viewer_is(&app, &EC_A.sign(&person_claims("ceo")), "ceo").await;
    assert_unauthenticated(&app, &ProviderKey::ec("ec-b").sign(&person_claims("ceo"))).await;
    assert_unauthenticated(&app, &RSA_A.sign(&person_claims("ceo"))).await;
}

db_test!(tokens_without_exp_or_expired_are_unauthenticated_with_a_public_key);
async fn tokens_without_exp_or_expired_are_unauthenticated_with_a_public_key(backend: Backend) {
    let pem = RSA_A.public_pem_file();
    let auth = provider_auth(|auth| auth.jwt_public_key_file = Some(pem.path().into()));
    let app = app_with_ceo(backend, auth, &RSA_A).await;

    let mut no_exp = person_claims("ceo");
    no_exp.as_object_mut().unwrap().remove("exp");
    assert_unauthenticated(&app, &RSA_A.sign(&no_exp)).await;
    let mut expired = person_claims("ceo");
    expired["exp"] = json!(now() - 3600);
    assert_unauthenticated(&app, &RSA_A.sign(&expired)).await;
    let mut not_yet = person_claims("ceo");
    not_yet["nbf"] = json!(now() + 3600);
    assert_unauthenticated(&app, &RSA_A.sign(&not_yet)).await;
}

db_test!(alg_none_is_unauthenticated);
async fn alg_none_is_unauthenticated(backend: Backend) {
    let pem = RSA_A.public_pem_file();
    let auth = provider_auth(|auth| auth.jwt_public_key_file = Some(pem.path().into()));
    let app = app_with_ceo(backend, auth, &RSA_A).await;
    let claims = person_claims("ceo");
    let valid = RSA_A.sign(&claims);
    let signature = valid.rsplit('.').next().unwrap();

    for alg in ["none", "None", "NONE"] {
        let header = json!({ "alg": alg, "typ": "JWT", "kid": RSA_A.kid });
        assert_unauthenticated(&app, &forge(header.clone(), &claims, "")).await;
        // Nor does a real signature make an unsigned header acceptable.
        assert_unauthenticated(&app, &forge(header, &claims, signature)).await;
    }
    assert_viewer_is(&app, &valid, "ceo").await;
}

db_test!(an_hs256_token_keyed_with_the_public_key_is_unauthenticated);
async fn an_hs256_token_keyed_with_the_public_key_is_unauthenticated(backend: Backend) {
    let pem = RSA_A.public_pem_file();
    let auth = provider_auth(|auth| auth.jwt_public_key_file = Some(pem.path().into()));
    let app = app_with_ceo(backend, auth, &RSA_A).await;
    let claims = person_claims("ceo");

    // The classic confusion: the public key's bytes, which anyone may read, as an HMAC secret.
    assert_unauthenticated(&app, &hs256(RSA_A.public_pem.as_bytes(), None, &claims)).await;
    let der = rsa::RsaPublicKey::from_public_key_pem(&RSA_A.public_pem)
        .and_then(|key| key.to_public_key_der())
        .unwrap()
        .as_bytes()
        .to_vec();
    assert_unauthenticated(&app, &hs256(&der, Some(RSA_A.kid), &claims)).await;
    // Nor RS384/PS256 with the right key: the key verifies RS256 alone.
    for alg in [Algorithm::RS384, Algorithm::PS256] {
        let mut header = Header::new(alg);
        header.kid = Some(RSA_A.kid.into());
        let token = jsonwebtoken::encode(&header, &claims, &RSA_A.encoding).unwrap();
        assert_unauthenticated(&app, &token).await;
    }
}

db_test!(an_hs256_token_is_unauthenticated_when_rs256_is_configured);
async fn an_hs256_token_is_unauthenticated_when_rs256_is_configured(backend: Backend) {
    let pem = RSA_A.public_pem_file();
    let auth = provider_auth(|auth| auth.jwt_public_key_file = Some(pem.path().into()));
    let app = app_with_ceo(backend, auth, &RSA_A).await;

    // Signed with the development secret the test apps usually have.
    assert_unauthenticated(&app, &hs256(SECRET.as_bytes(), None, &person_claims("ceo"))).await;
    // And the app cannot mint one either: only an HS256 secret signs.
    let err = app
        .keys
        .mint(Claims::new("ceo", Utc::now(), Duration::from_secs(60)))
        .unwrap_err();
    assert!(
        err.to_string().contains("CADENCE_JWT_SECRET"),
        "unclear error: {err}"
    );
}

db_test!(jwks_tokens_verify_with_the_key_their_kid_names);
async fn jwks_tokens_verify_with_the_key_their_kid_names(backend: Backend) {
    let jwks = JwksServer::start(vec![RSA_A.jwk(), EC_A.jwk()]).await;
    let app = app_with_ceo(backend, jwks_auth(&jwks, Duration::from_secs(30)), &RSA_A).await;

    assert_viewer_is(&app, &RSA_A.sign(&person_claims("ceo")), "ceo").await;
    assert_viewer_is(&app, &EC_A.sign(&person_claims("ceo")), "ceo").await;
    // One fetch served the seeding and both tokens: the set is cached.
    assert_eq!(jwks.requests(), 1);
    // The right kid on the wrong key, or a token naming no key, is refused.
    assert_unauthenticated(&app, &RSA_B.sign_as(Some(RSA_A.kid), &person_claims("ceo"))).await;
    assert_unauthenticated(&app, &RSA_A.sign_as(None, &person_claims("ceo"))).await;
}

db_test!(a_rotated_key_is_fetched_when_its_kid_first_arrives);
async fn a_rotated_key_is_fetched_when_its_kid_first_arrives(backend: Backend) {
    let jwks = JwksServer::start(vec![RSA_A.jwk()]).await;
    let interval = Duration::from_millis(300);
    let app = app_with_ceo(backend, jwks_auth(&jwks, interval), &RSA_A).await;
    assert_viewer_is(&app, &RSA_A.sign(&person_claims("ceo")), "ceo").await;
    assert_eq!(jwks.requests(), 1);

    // The provider rotates: key b is published and key a withdrawn.
    jwks.serve(vec![RSA_B.jwk()]);
    tokio::time::sleep(interval).await;

    assert_viewer_is(&app, &RSA_B.sign(&person_claims("ceo")), "ceo").await;
    assert_eq!(jwks.requests(), 2);
    assert_unauthenticated(&app, &RSA_A.sign(&person_claims("ceo"))).await;
}

db_test!(a_kid_missing_from_the_jwks_is_unauthenticated);
async fn a_kid_missing_from_the_jwks_is_unauthenticated(backend: Backend) {
    let jwks = JwksServer::start(vec![RSA_A.jwk()]).await;
    let app = app_with_ceo(backend, jwks_auth(&jwks, Duration::ZERO), &RSA_A).await;

    assert_unauthenticated(&app, &RSA_B.sign(&person_claims("ceo"))).await;
    // The set was fetched again for the unknown kid, and still lacks it.
    assert_eq!(jwks.requests(), 2);
    assert_viewer_is(&app, &RSA_A.sign(&person_claims("ceo")), "ceo").await;
}

db_test!(unknown_kids_fetch_the_jwks_at_most_once_per_interval);
async fn unknown_kids_fetch_the_jwks_at_most_once_per_interval(backend: Backend) {
    let jwks = JwksServer::start(vec![RSA_A.jwk()]).await;
    let auth = jwks_auth(&jwks, Duration::from_secs(30));
    let app = spawn_app_with(
        backend,
        Options {
            auth,
            ..Options::default()
        },
    )
    .await;

    // A burst of tokens naming keys nobody published, all at once and then one by one.
    let forged: Vec<String> = (0..8)
        .map(|i| RSA_B.sign_as(Some(&format!("ghost-{i}")), &person_claims("ceo")))
        .collect();
    let answers = futures_util::future::join_all(
        forged
            .iter()
            .map(|t| app.gql(Some(t), "{ viewer { externalId } }", json!({}))),
    )
    .await;
    for answer in answers {
        answer.assert_error_code("UNAUTHENTICATED");
    }
    for token in &forged {
        assert_unauthenticated(&app, token).await;
    }

    assert_eq!(jwks.requests(), 1, "one fetch per 30 s, however many kids");
}

db_test!(alg_confusion_and_symmetric_keys_in_the_jwks_are_unauthenticated);
async fn alg_confusion_and_symmetric_keys_in_the_jwks_are_unauthenticated(backend: Backend) {
    // A set that (wrongly) also publishes a symmetric key: it must never verify anything.
    let shared = b"a-symmetric-key-published-by-mistake-0123456789";
    let oct = json!({ "kty": "oct", "kid": "shared", "alg": "HS256", "k": URL_SAFE_NO_PAD.encode(shared) });
    let jwks = JwksServer::start(vec![RSA_A.jwk(), oct]).await;
    let app = app_with_ceo(backend, jwks_auth(&jwks, Duration::ZERO), &RSA_A).await;
    let fetches = jwks.requests();
    let claims = person_claims("ceo");

    assert_unauthenticated(&app, &hs256(shared, Some("shared"), &claims)).await;
    assert_unauthenticated(
        &app,
        &hs256(RSA_A.public_pem.as_bytes(), Some(RSA_A.kid), &claims),
    )
    .await;
    assert_unauthenticated(
        &app,
        &forge(json!({ "alg": "none", "kid": RSA_A.kid }), &claims, ""),
    )
    .await;
    // None of these made the server fetch the set: their headers already disqualify them.
    assert_eq!(jwks.requests(), fetches);
}

#[test]
fn exactly_one_key_source_is_configured() {
    let pem = RSA_A.public_pem_file();
    let secret = Some(SECRET.to_string());
    let file = Some(pem.path().to_path_buf());
    let url = Some("https://idp.example.com/.well-known/jwks.json".to_string());
    let settings = |jwt_secret, jwt_public_key_file, jwks_url| AuthSettings {
        jwt_secret,
        jwt_public_key_file,
        jwks_url,
        ..AuthSettings::default()
    };

    for (secret, file, url) in [
        (None, None, None),
        (secret.clone(), file.clone(), None),
        (secret.clone(), None, url.clone()),
        (None, file.clone(), url.clone()),
        (secret.clone(), file.clone(), url.clone()),
    ] {
        assert!(JwtKeys::from_settings(&settings(secret, file, url)).is_err());
    }
    for (secret, file, url) in [(secret, None, None), (None, file, None), (None, None, url)] {
        JwtKeys::from_settings(&settings(secret, file, url)).expect("one source is enough");
    }
}

#[test]
fn unusable_public_key_files_are_refused_at_startup() {
    let write = |text: &str| {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(text.as_bytes()).unwrap();
        file
    };
    let load = |file: &tempfile::NamedTempFile| {
        JwtKeys::from_settings(&AuthSettings {
            jwt_public_key_file: Some(file.path().into()),
            ..AuthSettings::default()
        })
        .map(|_| ())
        .unwrap_err()
        .to_string()
    };
    let small = ProviderKey::rsa("small", 1024);
    let private = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 1024)
        .unwrap()
        .to_pkcs8_pem(LineEnding::LF)
        .unwrap();

    assert!(load(&write(&small.public_pem)).contains("at least 2048"));
    assert!(load(&write(&private)).contains("private key"));
    assert!(load(&write("not a key")).contains("PEM public key"));
    let missing = tempfile::NamedTempFile::new().unwrap().path().to_path_buf();
    let err = JwtKeys::from_settings(&AuthSettings {
        jwt_public_key_file: Some(missing),
        ..AuthSettings::default()
    })
    .unwrap_err();
    assert!(format!("{err:#}").contains("CADENCE_JWT_PUBLIC_KEY_FILE"));
}

#[test]
fn minting_needs_the_secret() {
    let pem = RSA_A.public_pem_file();
    let err = JwtKeys::for_minting(&AuthSettings {
        jwt_public_key_file: Some(pem.path().into()),
        ..AuthSettings::default()
    })
    .unwrap_err();
    assert!(err.to_string().contains("CADENCE_JWT_SECRET"), "{err}");
    // With the secret, `cadence token` signs whatever else is configured for verification.
    JwtKeys::for_minting(&AuthSettings {
        jwt_secret: Some(SECRET.into()),
        jwt_public_key_file: Some(pem.path().into()),
        ..AuthSettings::default()
    })
    .expect("keys")
    .mint(Claims::new("dev1", Utc::now(), Duration::from_secs(60)))
    .expect("minted");
}
