// The manifest editor: one CodeMirror view, one EditorState per tab (so undo history stays
// with its file), YAML highlighting, and diagnostics placed at the line core reported.
import { basicSetup } from "codemirror";
import { yaml } from "@codemirror/lang-yaml";
import { EditorState, type Extension } from "@codemirror/state";
import { EditorView } from "@codemirror/view";
import { setDiagnostics, lintGutter, type Diagnostic } from "@codemirror/lint";
import { HighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { tags } from "@lezer/highlight";

// YAML colours from the page's theme variables, so light and dark both stay readable.
const themed = HighlightStyle.define([
  { tag: tags.definition(tags.propertyName), color: "var(--syn-key)" },
  { tag: [tags.string, tags.special(tags.string)], color: "var(--syn-str)" },
  { tag: tags.content, color: "var(--fg)" },
  { tag: [tags.lineComment, tags.meta], color: "var(--muted)", fontStyle: "italic" },
  { tag: [tags.labelName, tags.typeName, tags.keyword], color: "var(--syn-other)" },
  { tag: [tags.separator, tags.punctuation, tags.squareBracket, tags.brace], color: "var(--muted)" },
]);

export interface LineDiagnostic { line: number; column?: number; severity: "error" | "warning" | "info"; message: string; }

export class TabbedEditor {
  readonly view: EditorView;
  private states = new Map<string, EditorState>();
  private current = "";
  private readonly extensions: Extension[];

  constructor(parent: HTMLElement, onChange: (tab: string, text: string) => void) {
    this.extensions = [
      basicSetup,
      yaml(),
      syntaxHighlighting(themed),
      lintGutter(),
      EditorView.lineWrapping,
      EditorView.contentAttributes.of({ "aria-label": "manifest editor" }),
      EditorView.updateListener.of((u) => {
        if (u.docChanged) onChange(this.current, u.state.doc.toString());
      }),
    ];
    this.view = new EditorView({ parent, state: EditorState.create({ doc: "", extensions: this.extensions }) });
  }

  /** Replaces every tab (a new example, an import, a shared link). */
  load(tabs: { name: string; text: string }[], show: string): void {
    this.states.clear();
    for (const t of tabs) this.states.set(t.name, EditorState.create({ doc: t.text, extensions: this.extensions }));
    this.current = "";
    this.show(show);
  }

  show(tab: string): void {
    if (this.current && this.states.has(this.current)) this.states.set(this.current, this.view.state);
    const s = this.states.get(tab);
    if (!s) return;
    this.current = tab;
    this.view.setState(s);
  }

  get tab(): string { return this.current; }

  add(name: string, text: string): void {
    this.states.set(name, EditorState.create({ doc: text, extensions: this.extensions }));
  }

  remove(name: string): void { this.states.delete(name); }

  text(tab: string): string {
    return tab === this.current ? this.view.state.doc.toString() : (this.states.get(tab)?.doc.toString() ?? "");
  }

  /** Shows diagnostics for the visible tab (1-based lines, clamped to the document). */
  diagnose(items: LineDiagnostic[]): void {
    const doc = this.view.state.doc;
    const diags: Diagnostic[] = items.map((d) => {
      const line = doc.line(Math.min(Math.max(d.line, 1), doc.lines));
      const from = Math.min(line.from + Math.max((d.column ?? 1) - 1, 0), line.to);
      return { from, to: line.to > from ? line.to : from, severity: d.severity, message: d.message };
    });
    this.view.dispatch(setDiagnostics(this.view.state, diags));
  }
}
