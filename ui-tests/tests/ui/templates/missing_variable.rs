// A template variable missing from its typed context: askama rejects it at compile time.
#[derive(askama::Template)]
#[template(source = "REDIS_HOST={{ redis_host }}\nPOSTGRES={{ postgress_url }}\n", ext = "txt")]
struct Env {
    redis_host: String,
    postgres_url: String,
}

fn main() {
    let env = Env {
        redis_host: "10.0.0.1".to_owned(),
        postgres_url: "postgresql://voting@10.0.0.2/votes".to_owned(),
    };
    let _ = askama::Template::render(&env);
}
