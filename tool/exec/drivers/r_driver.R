# waybill's R driver: runs inside a session's box, one R per (image, r) session, so the
# global environment persists from cell to cell as in knitr. Base R only.
#
# The session starts it through sh, which moves the protocol off the standard streams:
#   sh -c 'exec 3>&1 4<&0 </dev/null >"$WAYBILL_R_STDOUT"; exec "$@"' sh Rscript --vanilla r_driver.R
# Requests arrive on fd 4 as frames (a decimal length, a newline, then that many bytes)
# holding a header line of space-separated fields,
#   ID KIND FIRST_LINE FIG_FORMAT FIG_WIDTH FIG_HEIGHT WARNING MESSAGE OUTDIR_BYTES CODE_BYTES
# (KIND is cell or inline; widths in inches, 0 for the default), then the output
# directory and the code. Replies go to fd 3 in the Python driver's JSON format: a
# decimal length, a newline, then the JSON. What cells write to fd 1 directly (system())
# lands in $WAYBILL_R_STDOUT and follows the cell's own output.

local({
  proto_in <- file("/dev/fd/4", open = "rb", raw = TRUE)
  proto_out <- file("/dev/fd/3", open = "wb", raw = TRUE)
  fd1_path <- Sys.getenv("WAYBILL_R_STDOUT")
  fd1_seen <- 0

  json_string <- function(s) {
    s <- enc2utf8(as.character(s))
    s <- gsub("\\", "\\\\", s, fixed = TRUE)
    s <- gsub("\"", "\\\"", s, fixed = TRUE)
    s <- gsub("\n", "\\n", s, fixed = TRUE)
    s <- gsub("\r", "\\r", s, fixed = TRUE)
    s <- gsub("\t", "\\t", s, fixed = TRUE)
    for (code in c(1:8, 11:12, 14:31)) s <- gsub(intToUtf8(code), sprintf("\\u%04x", code), s, fixed = TRUE)
    paste0("\"", s, "\"")
  }

  json_object <- function(fields) {
    paste0("{", paste0(json_string(names(fields)), ":", unlist(fields), collapse = ","), "}")
  }

  base64 <- function(path) {
    bytes <- as.integer(readBin(path, "raw", file.info(path)$size))
    pad <- (3 - length(bytes) %% 3) %% 3
    v <- matrix(c(bytes, rep(0L, pad)), nrow = 3)
    v <- v[1, ] * 65536 + v[2, ] * 256 + v[3, ]
    idx <- rbind(v %/% 262144, (v %/% 4096) %% 64, (v %/% 64) %% 64, v %% 64) + 1
    alphabet <- strsplit("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", "")[[1]]
    chars <- alphabet[idx]
    if (pad > 0) chars[(length(chars) - pad + 1):length(chars)] <- "="
    paste(chars, collapse = "")
  }

  html_escape <- function(s) {
    s <- gsub("&", "&amp;", s, fixed = TRUE)
    s <- gsub("<", "&lt;", s, fixed = TRUE)
    gsub(">", "&gt;", s, fixed = TRUE)
  }

  # A data frame or matrix as an HTML table, as notebooks show them.
  html_table <- function(x, max_rows = 50) {
    x <- as.data.frame(x)
    shown <- utils::head(x, max_rows)
    cells <- vapply(shown, function(col) html_escape(format(col)), character(nrow(shown)))
    if (is.null(dim(cells))) cells <- matrix(cells, nrow = nrow(shown))
    header <- paste0("<th></th>", paste0("<th>", html_escape(names(x)), "</th>", collapse = ""))
    rows <- vapply(seq_len(nrow(shown)), function(i) {
      paste0("<tr><th>", html_escape(rownames(shown)[i]), "</th>", paste0("<td>", cells[i, ], "</td>", collapse = ""), "</tr>")
    }, "")
    more <- if (nrow(x) > max_rows) sprintf("<p>%d rows in all</p>", nrow(x)) else ""
    paste0("<table class=\"dataframe\"><thead><tr>", header, "</tr></thead><tbody>", paste(rows, collapse = ""),
           "</tbody></table>", more)
  }

  # Output written straight to fd 1 since the last look (system(), compiled code).
  fd1_new <- function() {
    if (fd1_path == "" || !file.exists(fd1_path)) return("")
    size <- file.info(fd1_path)$size
    if (size <= fd1_seen) return("")
    con <- file(fd1_path, "rb")
    on.exit(close(con))
    if (fd1_seen > 0) readBin(con, "raw", fd1_seen)
    text <- rawToChar(readBin(con, "raw", size - fd1_seen))
    fd1_seen <<- size
    text
  }

  run <- function(req, code, outdir) {
    outputs <- list()
    add_stream <- function(name, text) {
      if (!nzchar(text)) return()
      n <- length(outputs)
      if (n > 0 && identical(outputs[[n]]$type, "stream") && identical(outputs[[n]]$name, name)) {
        outputs[[n]]$text <<- paste0(outputs[[n]]$text, text)
      } else {
        outputs[[n + 1]] <<- list(type = "stream", name = name, text = text)
      }
    }
    add_result <- function(plain, html = NULL) {
      outputs[[length(outputs) + 1]] <<- list(type = "result", plain = plain, html = html)
    }
    error <- NULL
    first_line <- req$first_line
    file <- "cell"

    figdir <- tempfile("figures")
    dir.create(figdir)
    if (req$kind == "cell") {
      if (nzchar(outdir)) Sys.setenv(WAYBILL_OUTPUT_DIR = outdir)
      width <- if (req$fig_width > 0) req$fig_width else 7
      height <- if (req$fig_height > 0) req$fig_height else 5
      if (req$fig_format == "svg") {
        grDevices::svg(file.path(figdir, "fig-%03d.svg"), width = width, height = height, onefile = FALSE)
      } else {
        grDevices::png(file.path(figdir, "fig-%03d.png"), width = width, height = height, units = "in", res = 96)
      }
    }
    device <- grDevices::dev.cur()

    captured <- character()
    sink_con <- textConnection("captured", "w", local = TRUE)
    sink(sink_con)
    flushed <- 0
    flush_stdout <- function() {
      lines <- textConnectionValue(sink_con)
      if (length(lines) > flushed) {
        add_stream("stdout", paste0(paste(lines[(flushed + 1):length(lines)], collapse = "\n"), "\n"))
        flushed <<- length(lines)
      }
      add_stream("stdout", fd1_new())
    }
    started <- proc.time()[["elapsed"]]
    exprs <- tryCatch(parse(text = code, keep.source = TRUE), error = function(e) e)
    if (inherits(exprs, "error")) {
      msg <- conditionMessage(exprs)
      at <- regmatches(msg, regexpr("^<text>:[0-9]+", msg))
      line <- if (length(at)) first_line - 1 + as.integer(sub("<text>:", "", at)) else first_line
      msg <- sub("^<text>:[0-9]+:[0-9]+: ", "", msg)
      error <- list(ename = "SyntaxError", evalue = msg, traceback = paste0("Error: ", msg, "\n"), line = line)
      exprs <- expression()
    }
    # " in CALL" for a condition's message, as R's console writes it; nothing for code
    # at the cell's top level, whose call is the driver's own eval().
    where_of <- function(call) {
      if (is.null(call) || identical(call, quote(eval(exprs[[i]], globalenv())))) return("")
      paste0(" in ", paste(deparse(call), collapse = " "))
    }
    srcrefs <- attr(exprs, "srcref")
    for (i in seq_along(exprs)) {
      line <- if (!is.null(srcrefs)) first_line - 1 + srcrefs[[i]][1] else first_line
      calls <- NULL
      value <- withCallingHandlers(
        tryCatch(withVisible(eval(exprs[[i]], globalenv())), error = function(e) e),
        error = function(e) calls <<- sys.calls(),
        warning = function(w) {
          if (req$warning) {
            flush_stdout()
            add_stream("stderr", paste0("Warning", where_of(conditionCall(w)), ": ", conditionMessage(w), "\n"))
          }
          invokeRestart("muffleWarning")
        },
        message = function(m) {
          if (req$message) {
            flush_stdout()
            add_stream("stderr", conditionMessage(m))
          }
          invokeRestart("muffleMessage")
        })
      if (inherits(value, "error")) {
        flush_stdout()
        where <- where_of(conditionCall(value))
        shown <- Filter(function(c) !identical(c[[1]], quote(withCallingHandlers)) &&
                                    !identical(c[[1]], quote(tryCatch)), calls)
        trace <- vapply(shown, function(c) paste(deparse(c, nlines = 1), collapse = ""), "")
        trace <- trace[!grepl("^(tryCatch|tryCatchList|tryCatchOne|doTryCatch|withVisible|eval)\\(", trace)]
        text <- paste0("Error", where, ": ", conditionMessage(value), "\n",
                       if (length(trace)) paste0("Calls: ", paste(trace, collapse = " -> "), "\n") else "")
        error <- list(ename = class(value)[1], evalue = conditionMessage(value), traceback = text, line = line)
        break
      }
      if (value$visible) {
        flush_stdout()
        if (req$kind == "inline") {
          v <- value$value
          shown <- if (is.numeric(v)) format(v, digits = getOption("digits")) else as.character(v)
          add_result(paste(shown, collapse = ", "))
        } else {
          printed <- paste(utils::capture.output(print(value$value)), collapse = "\n")
          html <- if (is.data.frame(value$value) || is.matrix(value$value)) html_table(value$value) else NULL
          # A ggplot prints to the device and nothing to the console: no empty value.
          if (nzchar(trimws(printed)) || !is.null(html)) add_result(paste0(printed, "\n"), html)
        }
      }
    }
    flush_stdout()
    sink()
    close(sink_con)
    if (req$kind == "cell") {
      while (grDevices::dev.cur() >= device && grDevices::dev.cur() > 1) grDevices::dev.off()
    }
    figures <- sort(list.files(figdir, full.names = TRUE))
    unlink_later <- figures
    for (f in figures) {
      if (file.info(f)$size == 0) next
      format <- if (grepl("\\.svg$", f)) "svg" else "png"
      outputs[[length(outputs) + 1]] <- list(type = "figure", format = format, data = base64(f))
    }
    unlink(c(unlink_later, figdir), recursive = TRUE)
    list(outputs = outputs, error = error, seconds = proc.time()[["elapsed"]] - started)
  }

  encode_reply <- function(id, result) {
    outs <- vapply(result$outputs, function(o) {
      if (o$type == "stream") {
        json_object(list(type = json_string("stream"), name = json_string(o$name), text = json_string(o$text)))
      } else if (o$type == "figure") {
        json_object(list(type = json_string("figure"), format = json_string(o$format), data = json_string(o$data)))
      } else {
        data <- list(`text/plain` = json_string(o$plain))
        if (!is.null(o$html)) data[["text/html"]] <- json_string(o$html)
        json_object(list(type = json_string("result"), data = json_object(data)))
      }
    }, "")
    err <- if (is.null(result$error)) "null" else json_object(list(
      ename = json_string(result$error$ename), evalue = json_string(result$error$evalue),
      traceback = json_string(result$error$traceback), line = as.character(as.integer(result$error$line))))
    json_object(list(id = as.character(id), outputs = paste0("[", paste(outs, collapse = ","), "]"), error = err,
                     seconds = format(result$seconds, digits = 6)))
  }

  repeat {
    # Each request is a frame (a length line, then that many bytes) holding the header
    # line, the output directory and the code.
    frame <- readLines(proto_in, n = 1, warn = FALSE)
    if (length(frame) == 0) break
    header <- readLines(proto_in, n = 1, warn = FALSE)
    if (length(header) == 0) break
    f <- strsplit(header, " ", fixed = TRUE)[[1]]
    req <- list(id = as.integer(f[1]), kind = f[2], first_line = as.integer(f[3]), fig_format = f[4],
                fig_width = as.numeric(f[5]), fig_height = as.numeric(f[6]), warning = f[7] == "1",
                message = f[8] == "1")
    outdir <- if (as.integer(f[9]) > 0) rawToChar(readBin(proto_in, "raw", as.integer(f[9]))) else ""
    code <- if (as.integer(f[10]) > 0) rawToChar(readBin(proto_in, "raw", as.integer(f[10]))) else ""
    Encoding(code) <- "UTF-8"
    reply <- charToRaw(enc2utf8(encode_reply(req$id, run(req, code, outdir))))
    writeBin(charToRaw(paste0(length(reply), "\n")), proto_out)
    writeBin(reply, proto_out)
    flush(proto_out)
  }
})
