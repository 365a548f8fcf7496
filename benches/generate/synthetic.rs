//! Deterministic synthetic specs: `operations` operations over `operations / 2` schemas, in
//! the proportions of a real API (five operations per resource, a few properties of each kind
//! per schema, references between schemas). Nothing random, so every run measures the same
//! document; nothing stored, so no large file is committed.

use std::fmt::Write as _;

pub fn spec(operations: usize) -> String {
    let resources = operations.div_ceil(5).max(1);
    let schemas = (operations / 2).max(1);
    let mut out = String::from(
        "{\"openapi\":\"3.1.0\",\"info\":{\"title\":\"Synthetic\",\"version\":\"1.0.0\"},\
         \"servers\":[{\"url\":\"https://synthetic.example.com\"}],\
         \"components\":{\"securitySchemes\":{\"token\":{\"type\":\"http\",\"scheme\":\"bearer\"}},\
         \"schemas\":{",
    );
    for s in 0..schemas {
        if s > 0 {
            out.push(',');
        }
        let previous = if s > 0 { s - 1 } else { 0 };
        let _ = write!(
            out,
            "\"Model{s}\":{{\"type\":\"object\",\"description\":\"Model number {s}.\",\
             \"required\":[\"id\",\"name\"],\"properties\":{{\
             \"id\":{{\"type\":\"string\",\"format\":\"uuid\"}},\
             \"name\":{{\"type\":\"string\"}},\
             \"count\":{{\"type\":\"integer\"}},\
             \"ratio\":{{\"type\":[\"number\",\"null\"]}},\
             \"state\":{{\"type\":\"string\",\"enum\":[\"active\",\"paused\",\"gone\"]}},\
             \"tags\":{{\"type\":\"array\",\"items\":{{\"type\":\"string\"}}}},\
             \"parent\":{{\"$ref\":\"#/components/schemas/Model{previous}\"}},\
             \"created\":{{\"type\":\"string\",\"format\":\"date-time\"}}}}}}"
        );
    }
    out.push_str("}},\"security\":[{\"token\":[]}],\"paths\":{");
    let mut written = 0;
    for r in 0..resources {
        if written >= operations {
            break;
        }
        let model = r % schemas;
        if r > 0 {
            out.push(',');
        }
        let model_ref = format!("{{\"$ref\":\"#/components/schemas/Model{model}\"}}");
        let json = |schema: &str| format!("{{\"application/json\":{{\"schema\":{schema}}}}}");
        let list = format!("{{\"type\":\"array\",\"items\":{model_ref}}}");
        let mut ops: Vec<String> = Vec::new();
        let collection = [
            format!(
                "\"get\":{{\"operationId\":\"list{r}\",\"parameters\":[\
                 {{\"name\":\"limit\",\"in\":\"query\",\"schema\":{{\"type\":\"integer\"}}}},\
                 {{\"name\":\"state\",\"in\":\"query\",\"schema\":{{\"type\":\"string\"}}}}],\
                 \"responses\":{{\"200\":{{\"description\":\"ok\",\"content\":{}}}}}}}",
                json(&list)
            ),
            format!(
                "\"post\":{{\"operationId\":\"create{r}\",\"requestBody\":{{\"required\":true,\"content\":{}}},\
                 \"responses\":{{\"201\":{{\"description\":\"created\",\"content\":{}}}}}}}",
                json(&model_ref),
                json(&model_ref)
            ),
        ];
        let item = [
            format!(
                "\"get\":{{\"operationId\":\"get{r}\",\"responses\":{{\"200\":{{\"description\":\"ok\",\"content\":{}}},\
                 \"404\":{{\"description\":\"missing\"}}}}}}",
                json(&model_ref)
            ),
            format!(
                "\"put\":{{\"operationId\":\"update{r}\",\"requestBody\":{{\"content\":{}}},\
                 \"responses\":{{\"200\":{{\"description\":\"ok\",\"content\":{}}}}}}}",
                json(&model_ref),
                json(&model_ref)
            ),
            format!(
                "\"delete\":{{\"operationId\":\"delete{r}\",\"responses\":{{\"204\":{{\"description\":\"gone\"}}}}}}"
            ),
        ];
        for op in collection.into_iter().take(operations - written) {
            ops.push(op);
        }
        let collection_ops = ops.len();
        written += collection_ops;
        let _ = write!(out, "\"/resources{r}\":{{{}}}", ops.join(","));
        let item_ops: Vec<String> = item.into_iter().take(operations - written).collect();
        written += item_ops.len();
        if !item_ops.is_empty() {
            let _ = write!(
                out,
                ",\"/resources{r}/{{id}}\":{{\"parameters\":[{{\"name\":\"id\",\"in\":\"path\",\
                 \"required\":true,\"schema\":{{\"type\":\"string\",\"format\":\"uuid\"}}}}],{}}}",
                item_ops.join(",")
            );
        }
    }
    out.push_str("}}");
    out
}
