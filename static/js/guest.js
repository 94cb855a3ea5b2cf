// Guest pages: times in the guest's own zone (the picker, and the browser's zone until they pick).
import "./zone-picker.js";
