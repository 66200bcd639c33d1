//! Files: generated images (content-addressed, cached for good) and the web client. A generated
//! image is looked up only by a name that parses as one of our image URLs, so no request can
//! reach outside the images folder.

use std::path::Path;

use actix_files::{Files, NamedFile};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use models::{GENERATED_IMAGES_PATH, ImageUrl};

use super::AppState;
use crate::errors::ApiError;

pub(super) async fn generated_image(
    state: web::Data<AppState>,
    request: HttpRequest,
    file: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let not_found = || ApiError::NotFound("no such image".to_owned());
    let url = ImageUrl::try_from(format!("{GENERATED_IMAGES_PATH}{file}")).map_err(|_| not_found())?;
    let path = state.generated_dir.join(url.file_name());
    // Opening touches the disk: keep it off the async worker.
    let image =
        web::block(move || NamedFile::open(path)).await.map_err(|_| ApiError::Internal)?.map_err(|_| not_found())?;
    let mut response = image.use_etag(true).use_last_modified(true).into_response(&request);
    // Ids are content hashes: the bytes behind a URL never change.
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, header::HeaderValue::from_static("public, max-age=31536000, immutable"));
    Ok(response)
}

/// The web client: `/` is `index.html`, other paths are files of the static folder. No
/// directory listing; a path with `..` or a hidden segment is refused by the file service.
pub(super) fn web_client(static_dir: &Path) -> Files {
    Files::new("/", static_dir).index_file("index.html").prefer_utf8(true).default_handler(web::to(missing_file))
}

async fn missing_file() -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound("no such file".to_owned()))
}
