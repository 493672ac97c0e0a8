pub struct RuntimeSources {
    pub static_cdn_endpoint: Option<String>,
}

fn push_endpoint_source(target: &mut Vec<String>, endpoint: Option<&str>) {
    if let Some(value) = endpoint {
        target.push(value.trim_end_matches('/').to_owned());
    }
}

pub fn style_sources(runtime_sources: &RuntimeSources) -> Vec<String> {
    let mut target = vec!["'self'".to_owned()];
    push_endpoint_source(&mut target, runtime_sources.static_cdn_endpoint.as_deref());
    target
}
