//! Integration tests of the real providers against local fake servers that speak their wire
//! formats: images from Gemini, Vertex AI and OpenAI-compatible servers, streamed game master
//! answers, whole turns through the engine, settings, and log hygiene. No test needs the internet.

mod providers {
    mod engine_turns;
    pub mod fake_server;
    mod gemini_images;
    pub mod helpers;
    mod live;
    mod logs;
    mod openai_images;
    #[path = "../support/png_header.rs"]
    pub mod png_header;
    mod settings;
    mod streaming;
    mod vertex_images;
}
