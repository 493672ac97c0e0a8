export default function lingui() {}
