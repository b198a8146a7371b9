/*
 * web.c -- the web page (web/), embedded in the library at build time.
 *
 * Each file of web/ is pulled into .rodata by the assembler's .incbin (the
 * compiler runs from the repository's root, where the paths resolve), with a
 * NUL after it; the Makefile makes web.o depend on every file of web/.  So the binary
 * serves the page with no file beside it, and a changed page is one `make`.
 * To add a file: one SV_INCBIN line and one row of ASSETS.
 */
#include "serve.h"

#define SV_INCBIN(sym, file)                                                  \
    __asm__(".section .rodata\n"                                             \
            ".global " #sym "\n.hidden " #sym "\n.balign 16\n" #sym ":\n"    \
            ".incbin \"" file "\"\n"                                         \
            ".global " #sym "_end\n.hidden " #sym "_end\n" #sym "_end:\n"    \
            ".byte 0\n.previous\n");                                         \
    extern const char sym[] __attribute__((visibility("hidden")));           \
    extern const char sym##_end[] __attribute__((visibility("hidden")))

SV_INCBIN(dl_web_index_html, "web/index.html");
SV_INCBIN(dl_web_app_js, "web/app.js");
SV_INCBIN(dl_web_style_css, "web/style.css");
SV_INCBIN(dl_web_icon_svg, "web/icon.svg");

static const struct {
    const char *path, *type, *data, *end;
} ASSETS[] = {
    {"/", "text/html; charset=utf-8", dl_web_index_html, dl_web_index_html_end},
    {"/index.html", "text/html; charset=utf-8", dl_web_index_html, dl_web_index_html_end},
    {"/app.js", "text/javascript; charset=utf-8", dl_web_app_js, dl_web_app_js_end},
    {"/style.css", "text/css; charset=utf-8", dl_web_style_css, dl_web_style_css_end},
    {"/icon.svg", "image/svg+xml", dl_web_icon_svg, dl_web_icon_svg_end},
    {"/favicon.ico", "image/svg+xml", dl_web_icon_svg, dl_web_icon_svg_end},
};

int sv_asset_find(const char *path, sv_asset *out)
{
    for (size_t i = 0; i < DL_ARRAY_LEN(ASSETS); i++) {
        if (strcmp(path, ASSETS[i].path) != 0) continue;
        out->path = ASSETS[i].path;
        out->type = ASSETS[i].type;
        out->data = ASSETS[i].data;
        out->len = (size_t)(ASSETS[i].end - ASSETS[i].data);
        return 1;
    }
    return 0;
}
