// The header's search box: "/" or Ctrl+K (Cmd+K) focuses it from anywhere except while typing in another field.
export function attach(input, component) {
    const onKey = (event) => {
        const typing = event.target instanceof HTMLElement
            && (event.target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(event.target.tagName));
        const ctrlK = (event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "k";
        if (ctrlK || (event.key === "/" && !typing)) {
            event.preventDefault();
            input.focus();   // at once where the field is shown; at phone width the component focuses it once expanded
            input.select();
            component.invokeMethodAsync("Expand");
        }
    };
    // Arrow keys move through the suggestions, not the caret; Enter must not submit a surrounding form; Escape closes
    // the suggestions without the browser also clearing the text of a search field.
    const onInputKey = (event) => {
        if (["ArrowDown", "ArrowUp", "Enter", "Escape"].includes(event.key)) {
            event.preventDefault();
        }
    };
    document.addEventListener("keydown", onKey);
    input.addEventListener("keydown", onInputKey);
    return { dispose: () => { document.removeEventListener("keydown", onKey); input.removeEventListener("keydown", onInputKey); } };
}

export function scrollIntoView(id) {
    document.getElementById(id)?.scrollIntoView({ block: "nearest" });
}
